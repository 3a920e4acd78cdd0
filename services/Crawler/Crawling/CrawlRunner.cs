using System.Diagnostics;
using System.Text.Json;
using HubPlatform.Contracts;
using HubPlatform.Crawler.Hub;
using HubPlatform.Crawler.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace HubPlatform.Crawler.Crawling;

/// <summary>
/// Runs one crawl phase by phase (models, datasets, spaces; then, for a full snapshot, author
/// overviews), page by page. Each page is committed in one transaction: its event in the outbox,
/// the repos it saw, and the checkpoint (phase and next page); for models and datasets, their
/// revisions reach the card backlog (which <see cref="CardFetcher"/> works beside the crawl) just
/// before, in a stage of their own (<see cref="CardListingStage"/>). A crawler killed at
/// any point resumes at the first page whose transaction did not commit, in the right phase, so
/// no page is lost and none is published twice. Page numbers run across all phases.
/// </summary>
public sealed class CrawlRunner(
    CrawlerDbContext db,
    IServiceScopeFactory scopes,
    HubClient hub,
    RateLimitPacer pacer,
    CrawlEta eta,
    OutboxSignal outboxSignal,
    RecentEvents recentEvents,
    IOptions<CrawlerOptions> options,
    TimeProvider time,
    ILogger<CrawlRunner> logger)
{
    private const int RemovedBatchSize = 1000;

    private DateTimeOffset _runStarted;
    private long _reposAtRunStart;

    public async Task RunAsync(Crawl crawl, CancellationToken cancellationToken)
    {
        using var activity = HubTelemetry.ActivitySource.StartActivity("crawl");
        activity?.SetTag("hub.snapshot_id", crawl.Id);
        activity?.SetTag("hub.crawl_kind", crawl.Kind.ToString());
        if (crawl.Status == CrawlStatus.Pending)
        {
            await StartAsync(crawl, cancellationToken);
        }

        _runStarted = time.GetUtcNow();
        _reposAtRunStart = Repos(crawl);
        while (crawl.Phase != CrawlPhase.Done)
        {
            switch (crawl.Phase)
            {
                case CrawlPhase.Organizations:
                    await OrganizationsPageAsync(crawl, cancellationToken);
                    break;
                default:
                    await ListingsAsync(crawl, cancellationToken);
                    break;
            }
            LogProgress(crawl);
        }
        await CompleteAsync(crawl, cancellationToken);
    }

    private async Task StartAsync(Crawl crawl, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        crawl.Status = CrawlStatus.Running;
        crawl.StartedAt = now;
        crawl.Phase = CrawlPhase.Models;
        crawl.NextUrl = hub.FirstPage(RepoType.Model, options.Value.PageSize, crawl.Kind == CrawlKind.Incremental).ToString();
        var previous = await db.Crawls
            .Where(c => c.Status == CrawlStatus.Completed && c.Id != crawl.Id)
            .OrderByDescending(c => c.StartedAt)
            .Select(c => new { c.Kind, c.StartedAt, c.HubClockSkewSeconds, Repos = c.Models + c.Datasets + c.Spaces })
            .ToListAsync(cancellationToken);
        crawl.ExpectedRepos = previous.FirstOrDefault(c => c.Kind == crawl.Kind)?.Repos;
        if (crawl.Kind == CrawlKind.Incremental)
        {
            // Everything modified since the last crawl of any kind began, on the Hub's clock (lastModified is the Hub's);
            // a repo changed during it may have been listed before the change.
            crawl.ModifiedSince = previous.FirstOrDefault() is { StartedAt: { } lastStarted } last
                ? Crawl.OnHubClock(lastStarted, last.HubClockSkewSeconds)
                : Crawl.OnHubClock(now, previous.FirstOrDefault(c => c.HubClockSkewSeconds is not null)?.HubClockSkewSeconds)
                    - options.Value.IncrementalFirstLookback;
        }
        // SnapshotStarted waits for the first listing answer: it carries the Hub's time (see CommitListingPageAsync).
        await db.SaveChangesAsync(cancellationToken);
        logger.CrawlStarted(crawl.Id, crawl.Kind, crawl.HubEndpoint, crawl.ModifiedSince);
    }

    // ---- Listings: models, datasets, spaces ----

    /// <summary>
    /// Commits the listing pages that <see cref="ListingReader"/> fetches and parses ahead, one
    /// transaction per page, in page order. If the Hub keeps refusing, every page read before the
    /// refusal is committed first; if a commit fails, the reading stops and its pages are dropped
    /// (the checkpoint names the first of them).
    /// </summary>
    private async Task ListingsAsync(Crawl crawl, CancellationToken cancellationToken)
    {
        if (crawl.NextUrl is null)
        {
            // A checkpoint written before phases existed, or a listing that ended: move on.
            MoveToNextPhase(crawl);
            await db.SaveChangesAsync(cancellationToken);
            return;
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reader = new ListingReader(hub, options.Value, time, logger);
        var (parsed, reading) = reader.Start(crawl, stop.Token);
        var (pages, listing) = new CardListingStage(scopes).Start(crawl.Id, parsed, options.Value.ListingLookAhead, stop.Token);
        var clock = Stopwatch.StartNew();
        var (count, fetch, parse, cards, commit, remember, idle) = (0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
        try
        {
            while (true)
            {
                var waitStarted = clock.Elapsed;
                if (!await pages.WaitToReadAsync(stop.Token) || !pages.TryRead(out var page))
                {
                    break;
                }
                var committing = clock.Elapsed;
                idle += (committing - waitStarted).TotalSeconds;
                remember += await CommitListingPageAsync(crawl, page, stop.Token);
                LogProgress(crawl);
                (count, fetch, parse, cards, commit) = (count + 1, fetch + page.FetchSeconds, parse + page.ParseSeconds, cards + page.CardSeconds,
                    commit + (clock.Elapsed - committing).TotalSeconds);
            }
            // The card stage stopped early only on a failure of its own: the pages after it were not committed.
            await listing;
        }
        catch
        {
            await stop.CancelAsync();
            foreach (var stage in (Task[])[reading, listing])
            {
                try
                {
                    await stage;
                }
                catch (Exception)
                {
                    // Stopped half-way (or refused by the Hub meanwhile): the first failure is the one to report.
                }
            }
            throw;
        }
        await reading; // A Hub that kept refusing: its error, after the pages read before it were committed.
        if (count > 0)
        {
            var seconds = clock.Elapsed.TotalSeconds;
            var pagesPerSecond = count / Math.Max(seconds, 0.001);
            logger.ListingTimings(crawl.Id, count, seconds, pagesPerSecond, 1000 * fetch / count, 1000 * parse / count,
                options.Value.ListingLookAhead, 1000 * cards / count, 1000 * commit / count, 1000 * remember / count, 1000 * idle / count);
        }
    }

    /// <summary>Commits one page; returns the seconds spent recording the snapshot's repos.</summary>
    private async Task<double> CommitListingPageAsync(Crawl crawl, ListingPage page, CancellationToken cancellationToken)
    {
        var remember = 0.0;
        while (crawl.NextUrl is null && crawl.Phase is CrawlPhase.Models or CrawlPhase.Datasets or CrawlPhase.Spaces)
        {
            MoveToNextPhase(crawl);
        }
        if (page.Phase != crawl.Phase || page.Url != crawl.NextUrl || page.Number != crawl.Pages + 1)
        {
            throw new InvalidOperationException(
                $"Crawl {crawl.Id}: read-ahead page {page.Number} ({page.Phase}) is not the checkpoint's next page "
                + $"{crawl.Pages + 1} ({crawl.Phase}).");
        }
        var type = ListingReader.TypeOf(crawl.Phase);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (crawl.HubClockSkewSeconds is null)
        {
            AnnounceSnapshot(crawl, page.HubClockSkew);
        }
        if (page.MalformedReason is { } reason)
        {
            logger.PageDeadLettered(crawl.Id, type, new Uri(page.Url).PathAndQuery, reason);
            db.FailedPages.Add(new FailedPage { CrawlId = crawl.Id, Url = page.Url, Reason = reason, FailedAt = page.ObservedAt });
            crawl.FailedPages++;
            CrawlerMetrics.FailedPages.Add(1, CrawlerMetrics.Kind(crawl.Kind), CrawlerMetrics.Phase(crawl.Phase));
        }
        else if (page.Event is { } message)
        {
            db.Outbox.Add(message);
            Count(crawl, type, page.Repos.Count);
            if (crawl.Kind == CrawlKind.Full)
            {
                var started = Stopwatch.GetTimestamp();
                await RememberAsync(crawl.Id, page.Number, type, page.Repos, cancellationToken);
                remember = Stopwatch.GetElapsedTime(started).TotalSeconds;
            }
        }
        crawl.Pages = page.Number;
        crawl.NextUrl = page.NextUrl;
        if (crawl.NextUrl is null)
        {
            MoveToNextPhase(crawl);
        }
        await CommitAsync(crawl, transaction, cancellationToken);
        CrawlerMetrics.Repos.Add(page.Repos.Count, new("repo.type", type.ToString()), CrawlerMetrics.Kind(crawl.Kind));
        return remember;
    }

    /// <summary>
    /// The snapshot starts on the Hub's clock: the skew of its first listing answer's <c>Date</c> is
    /// kept on the crawl, and <see cref="SnapshotStarted"/> goes out with the first page, in its
    /// transaction (so a crawler killed before it resumes and announces the snapshot then).
    /// </summary>
    private void AnnounceSnapshot(Crawl crawl, TimeSpan skew)
    {
        crawl.HubClockSkewSeconds = skew.TotalSeconds;
        if (crawl.HubClockWarning is { } warning)
        {
            logger.HubClockSkewed(crawl.Id, warning, time.GetUtcNow() + skew, time.GetUtcNow());
        }
        var started = crawl.HubStartedAt!.Value;
        db.Enqueue(new SnapshotStarted(crawl.Id, crawl.Kind, started, crawl.HubEndpoint), time.GetUtcNow());
    }

    /// <summary>Now on the Hub's clock, for the events of the crawl's later phases.</summary>
    private DateTimeOffset HubNow(Crawl crawl) => time.GetUtcNow() + (crawl.HubClockSkew ?? TimeSpan.Zero);

    private static void Count(Crawl crawl, RepoType type, int repos)
    {
        switch (type)
        {
            case RepoType.Model:
                crawl.ModelPages++;
                crawl.Models += repos;
                break;
            case RepoType.Dataset:
                crawl.DatasetPages++;
                crawl.Datasets += repos;
                break;
            default:
                crawl.SpacePages++;
                crawl.Spaces += repos;
                break;
        }
    }

    /// <summary>What a full snapshot saw, for removed-repo detection and for choosing overviews: one row for the page.</summary>
    private async Task RememberAsync(Guid snapshot, int page, RepoType type, IReadOnlyList<ListedRepo> repos, CancellationToken cancellationToken)
    {
        var typeName = type.ToString();
        var ids = repos.Select(r => r.Id).ToArray();
        var authors = repos.Select(r => r.Author).ToArray();
        var downloads = repos.Select(r => r.Downloads).ToArray();
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO crawler.snapshot_repo_pages (snapshot_id, page, repo_type, repo_ids, authors, downloads)
            VALUES ({snapshot}, {page}, {typeName}, {ids}, {authors}, {downloads})
            ON CONFLICT DO NOTHING
            """, cancellationToken);
    }

    private void MoveToNextPhase(Crawl crawl)
    {
        crawl.Phase = (crawl.Phase, crawl.Kind) switch
        {
            (CrawlPhase.Models, _) => CrawlPhase.Datasets,
            (CrawlPhase.Datasets, _) => CrawlPhase.Spaces,
            (CrawlPhase.Spaces, CrawlKind.Full) => CrawlPhase.Organizations,
            // Cards are no phase any more (the card backlog runs beside the crawls): a checkpoint in it is done.
            _ => CrawlPhase.Done,
        };
        crawl.Cursor = null;
        crawl.NextUrl = crawl.Phase is CrawlPhase.Datasets or CrawlPhase.Spaces
            ? hub.FirstPage(ListingReader.TypeOf(crawl.Phase), options.Value.PageSize, crawl.Kind == CrawlKind.Incremental).ToString()
            : null;
        logger.PhaseBegins(crawl.Id, crawl.Phase, crawl.Pages);
    }

    // ---- Author overviews ----

    private async Task OrganizationsPageAsync(Crawl crawl, CancellationToken cancellationToken)
    {
        var batch = options.Value.MaxOrganizations > 0
            ? await CrawlTargets.NextAuthorsAsync(db, crawl.Id, crawl.Cursor, options.Value, cancellationToken)
            : [];
        var overviews = new List<AuthorOverview>(batch.Count);
        foreach (var name in batch)
        {
            if (await hub.GetAuthorOverviewAsync(name, cancellationToken) is { } json)
            {
                overviews.Add(AuthorOverviewParser.Parse(name, json));
            }
            else
            {
                logger.AuthorOverviewMissing(crawl.Id, name);
            }
        }

        var now = HubNow(crawl);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (batch.Count > 0)
        {
            crawl.Pages++;
            if (overviews.Count > 0)
            {
                db.Enqueue(new OrganizationsObserved(crawl.Id, crawl.Pages, now, overviews), time.GetUtcNow());
                crawl.OrganizationPages++;
                crawl.Organizations += overviews.Count;
            }
            crawl.Cursor = batch[^1];
        }
        if (batch.Count < options.Value.OrganizationsPerPage)
        {
            MoveToNextPhase(crawl);
        }
        await CommitAsync(crawl, transaction, cancellationToken);
    }

    // ---- Commit and completion ----

    private async Task CommitAsync(Crawl crawl, Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction transaction,
        CancellationToken cancellationToken)
    {
        crawl.RateLimitWaitSeconds = pacer.WaitedSecondsIn("api"); // The listings' and overviews' waits, not the card backlog's.
        crawl.LastError = null;
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        Forget();
        outboxSignal.Notify();
        CrawlerMetrics.Pages.Add(1, CrawlerMetrics.Kind(crawl.Kind));
    }

    /// <summary>
    /// Stops tracking the committed events and failed pages: the crawl's context lives for the whole
    /// crawl, and every tracked ~1 MB event would stay in memory and be compared on each later save.
    /// The committed events go to the relay as objects (<see cref="RecentEvents"/>).
    /// </summary>
    private void Forget()
    {
        foreach (var entry in db.ChangeTracker.Entries().Where(e => e.Entity is OutboxMessage or FailedPage).ToList())
        {
            if (entry.Entity is OutboxMessage { Message: { } message } row)
            {
                recentEvents.Add(row.MessageId, message);
                row.Message = null;
            }
            entry.State = EntityState.Detached;
        }
    }

    private async Task CompleteAsync(Crawl crawl, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var hubNow = HubNow(crawl);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (crawl.HubClockSkewSeconds is null)
        {
            // No listing page was committed (a checkpoint from before the Hub's clock was read): announce it on this machine's.
            AnnounceSnapshot(crawl, TimeSpan.Zero);
        }
        if (crawl.Kind == CrawlKind.Full)
        {
            await PublishRemovedAsync(crawl, hubNow, cancellationToken);
        }
        crawl.Status = CrawlStatus.Completed;
        crawl.CompletedAt = now;
        db.Enqueue(new SnapshotCompleted(crawl.Id, crawl.Kind, crawl.HubStartedAt ?? hubNow, hubNow, crawl.Pages, crawl.Models, crawl.Datasets,
            crawl.Spaces, crawl.FailedPages, crawl.ModelPages, crawl.DatasetPages, crawl.SpacePages, crawl.OrganizationPages, crawl.CardPages), now);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        Forget();
        outboxSignal.Notify();
        logger.CrawlCompleted(crawl.Id, crawl.Kind, crawl.Pages, crawl.Models, crawl.Datasets, crawl.Spaces, crawl.Organizations, crawl.FailedPages);
    }

    /// <summary>
    /// Repos of the previous full snapshot that this one did not see, per repo type. Skipped when a
    /// page was dead-lettered: its repos were not seen, and calling them removed would be a lie.
    /// </summary>
    private async Task PublishRemovedAsync(Crawl crawl, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var previous = await db.Crawls
            .Where(c => c.Kind == CrawlKind.Full && c.Status == CrawlStatus.Completed && c.Id != crawl.Id)
            .OrderByDescending(c => c.CompletedAt)
            .Select(c => (Guid?)c.Id)
            .FirstOrDefaultAsync(cancellationToken);
        if (previous is null)
        {
            return;
        }
        if (crawl.FailedPages > 0)
        {
            logger.RemovedReposNotComputed(crawl.Id, crawl.FailedPages);
            return;
        }
        foreach (var type in Enum.GetValues<RepoType>())
        {
            var typeName = type.ToString();
            var removed = await db.Database.SqlQuery<string>($"""
                SELECT p.id AS "Value"
                FROM (SELECT DISTINCT unnest(repo_ids) AS id FROM crawler.snapshot_repo_pages
                      WHERE snapshot_id = {previous.Value} AND repo_type = {typeName}) p
                WHERE NOT EXISTS (SELECT 1 FROM (SELECT unnest(repo_ids) AS id FROM crawler.snapshot_repo_pages
                                                 WHERE snapshot_id = {crawl.Id} AND repo_type = {typeName}) c
                                  WHERE c.id = p.id)
                ORDER BY p.id
                """).ToListAsync(cancellationToken);
            foreach (var chunk in removed.Chunk(RemovedBatchSize))
            {
                db.Enqueue(new ReposRemoved(crawl.Id, now, type, chunk), time.GetUtcNow());
            }
            await CardBacklog.RemovedAsync(db, type, removed, cancellationToken);
            if (removed.Count > 0)
            {
                logger.ReposGone(crawl.Id, removed.Count, type);
            }
        }
    }

    // ---- Progress ----

    private static long Repos(Crawl crawl) => crawl.Models + crawl.Datasets + crawl.Spaces;

    private void LogProgress(Crawl crawl)
    {
        if (!logger.IsEnabled(LogLevel.Information))
        {
            return; // A line after every page: its rate and ETA are not worth computing for nobody.
        }
        var elapsed = Math.Max((time.GetUtcNow() - _runStarted).TotalSeconds, 0.001);
        var rate = (Repos(crawl) - _reposAtRunStart) / elapsed;
        logger.CrawlProgress(crawl.Id, crawl.Phase, crawl.Pages, crawl.Models, crawl.Datasets, crawl.Spaces, crawl.Organizations, rate,
            crawl.FailedPages, crawl.RateLimitWaitSeconds, eta.Estimate(crawl, _runStarted, _reposAtRunStart)?.ToString(@"d\.hh\:mm\:ss")
                ?? "unknown");
    }
}
