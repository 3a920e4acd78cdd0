using System.Text.Json;
using HubPlatform.Contracts;
using HubPlatform.Crawler.Hub;
using HubPlatform.Crawler.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace HubPlatform.Crawler.Crawling;

/// <summary>
/// Runs one crawl page by page. Each page is committed in one transaction: its ModelsObserved
/// event in the outbox, the repos it saw, and the checkpoint (the next page's URL). A crawler
/// killed at any point resumes at the first page whose transaction did not commit, so no page
/// is lost and none is published twice.
/// </summary>
public sealed class CrawlRunner(
    CrawlerDbContext db,
    HubClient hub,
    RateLimitPacer pacer,
    OutboxSignal outboxSignal,
    IOptions<CrawlerOptions> options,
    TimeProvider time,
    ILogger<CrawlRunner> logger)
{
    private const int RemovedBatchSize = 1000;

    public async Task RunAsync(Crawl crawl, CancellationToken cancellationToken)
    {
        using var activity = HubTelemetry.ActivitySource.StartActivity("crawl");
        activity?.SetTag("hub.snapshot_id", crawl.Id);
        if (crawl.Status == CrawlStatus.Pending)
        {
            await StartAsync(crawl, cancellationToken);
        }

        var expected = await PreviousModelCountAsync(crawl, cancellationToken);
        var started = time.GetUtcNow();
        var modelsAtStart = crawl.Models;
        while (crawl.NextUrl is not null)
        {
            var page = await hub.GetPageAsync(new Uri(crawl.NextUrl), cancellationToken);
            await CommitPageAsync(crawl, page, cancellationToken);

            var rate = (crawl.Models - modelsAtStart) / Math.Max((time.GetUtcNow() - started).TotalSeconds, 0.001);
            logger.LogInformation(
                "Crawl {SnapshotId}: page {Page}, {Models} models ({Rate:F0}/s), {FailedPages} failed pages, {RateLimitWait:F0}s rate-limit waits, ETA {Eta}",
                crawl.Id, crawl.Pages, crawl.Models, rate, crawl.FailedPages, crawl.RateLimitWaitSeconds,
                expected > crawl.Models && rate > 0 ? TimeSpan.FromSeconds((expected.Value - crawl.Models) / rate).ToString(@"hh\:mm\:ss") : "unknown");
        }
        await CompleteAsync(crawl, cancellationToken);
    }

    private async Task StartAsync(Crawl crawl, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        crawl.Status = CrawlStatus.Running;
        crawl.StartedAt = now;
        crawl.NextUrl = hub.FirstModelsPage(options.Value.PageSize).ToString();
        db.Enqueue(new SnapshotStarted(crawl.Id, crawl.Kind, now, crawl.HubEndpoint), now);
        await db.SaveChangesAsync(cancellationToken);
        outboxSignal.Notify();
        logger.LogInformation("Crawl {SnapshotId} ({Kind}) started against {Endpoint}", crawl.Id, crawl.Kind, crawl.HubEndpoint);
    }

    private async Task CommitPageAsync(Crawl crawl, HubPage page, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var models = new List<ModelObservation>(page.Repos.Length);
        foreach (var repo in page.Repos)
        {
            try
            {
                models.Add(ModelParser.Parse(repo));
            }
            catch (Exception ex) when (ex is FormatException or InvalidOperationException or JsonException)
            {
                logger.LogWarning(ex, "Crawl {SnapshotId}: skipped an unreadable model on page {Page}", crawl.Id, crawl.Pages + 1);
            }
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (page.IsMalformed)
        {
            logger.LogError("Crawl {SnapshotId}: page {Url} stayed unreadable ({Reason}); dead-lettered, crawl goes on",
                crawl.Id, crawl.NextUrl, page.MalformedReason);
            db.FailedPages.Add(new FailedPage { CrawlId = crawl.Id, Url = crawl.NextUrl!, Reason = page.MalformedReason!, FailedAt = now });
            crawl.FailedPages++;
        }
        else if (models.Count > 0)
        {
            db.Enqueue(new ModelsObserved(crawl.Id, crawl.Pages + 1, now, models), now);
            crawl.ModelPages++;
            if (crawl.Kind == CrawlKind.Full)
            {
                var ids = models.Select(m => m.Id).ToArray();
                await db.Database.ExecuteSqlAsync(
                    $"INSERT INTO crawler.snapshot_repos (snapshot_id, repo_type, repo_id) SELECT {crawl.Id}, 'Model', unnest({ids}) ON CONFLICT DO NOTHING",
                    cancellationToken);
            }
        }
        crawl.Pages++;
        crawl.Models += models.Count;
        crawl.NextUrl = page.Next?.ToString();
        crawl.RateLimitWaitSeconds = pacer.WaitedSeconds;
        crawl.LastError = null;
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        outboxSignal.Notify();
    }

    private async Task CompleteAsync(Crawl crawl, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (crawl.Kind == CrawlKind.Full)
        {
            await PublishRemovedAsync(crawl, now, cancellationToken);
        }
        crawl.Status = CrawlStatus.Completed;
        crawl.CompletedAt = now;
        db.Enqueue(new SnapshotCompleted(crawl.Id, crawl.Kind, crawl.StartedAt ?? now, now, crawl.Pages, crawl.Models, 0, 0, crawl.FailedPages, crawl.ModelPages), now);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        outboxSignal.Notify();
        logger.LogInformation("Crawl {SnapshotId} completed: {Pages} pages, {Models} models, {FailedPages} failed pages",
            crawl.Id, crawl.Pages, crawl.Models, crawl.FailedPages);
    }

    /// <summary>
    /// Repos of the previous full snapshot that this one did not see. Skipped when a page was
    /// dead-lettered: its repos were not seen, and calling them removed would be a lie.
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
            logger.LogWarning("Crawl {SnapshotId} had {FailedPages} failed pages; removed repos are not computed for it", crawl.Id, crawl.FailedPages);
            return;
        }
        var removed = await db.Database.SqlQuery<string>($"""
            SELECT p.repo_id AS "Value" FROM crawler.snapshot_repos p
            WHERE p.snapshot_id = {previous.Value} AND p.repo_type = 'Model'
              AND NOT EXISTS (SELECT 1 FROM crawler.snapshot_repos c
                              WHERE c.snapshot_id = {crawl.Id} AND c.repo_type = 'Model' AND c.repo_id = p.repo_id)
            ORDER BY p.repo_id
            """).ToListAsync(cancellationToken);
        foreach (var chunk in removed.Chunk(RemovedBatchSize))
        {
            db.Enqueue(new ReposRemoved(crawl.Id, now, RepoType.Model, chunk), now);
        }
        if (removed.Count > 0)
        {
            logger.LogInformation("Crawl {SnapshotId}: {Removed} models gone since the previous snapshot", crawl.Id, removed.Count);
        }
    }

    private async Task<long?> PreviousModelCountAsync(Crawl crawl, CancellationToken cancellationToken) =>
        await db.Crawls
            .Where(c => c.Kind == crawl.Kind && c.Status == CrawlStatus.Completed && c.Id != crawl.Id)
            .OrderByDescending(c => c.CompletedAt)
            .Select(c => (long?)c.Models)
            .FirstOrDefaultAsync(cancellationToken);
}
