using Cronos;
using HubPlatform.Contracts;
using HubPlatform.Crawler.Hub;
using HubPlatform.Crawler.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace HubPlatform.Crawler.Crawling;

/// <summary>
/// Decides which crawls run, on every replica: schedules full snapshots (on startup, then by
/// cron) and incremental crawls (by their own cron), resumes an interrupted crawl from its
/// checkpoint, and picks up crawls requested through the API. Each kind has its own loop and its
/// own Postgres advisory lock, so one crawl of a kind runs at a time across replicas while an
/// hourly incremental crawl need not wait for a week-long full snapshot. Both share the one
/// rate-limit pacer of the replica. After each crawl it prunes what the crawler no longer needs
/// (<see cref="CrawlRetention"/>).
/// </summary>
public sealed class CrawlCoordinator(
    IServiceScopeFactory scopes,
    NpgsqlDataSource dataSource,
    HubOptions hubOptions,
    IOptions<CrawlerOptions> options,
    TimeProvider time,
    ILogger<CrawlCoordinator> logger) : BackgroundService
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(2);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enum.GetValues<CrawlKind>().Select(kind => Task.Run(() => LoopAsync(kind, stoppingToken), stoppingToken)));

    private async Task LoopAsync(CrawlKind kind, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var pause = Poll;
            try
            {
                pause = await RunDueCrawlAsync(kind, stoppingToken) ? TimeSpan.Zero : Poll;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.CrawlInterrupted(ex, kind, options.Value.ResumeAfterFailure);
                pause = options.Value.ResumeAfterFailure;
            }
            try
            {
                await Task.Delay(pause, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Runs the oldest crawl of this kind that is due, if this replica gets the kind's lock. True if one ran.</summary>
    public async Task<bool> RunDueCrawlAsync(CrawlKind kind, CancellationToken cancellationToken)
    {
        // The lock lives as long as this connection: a killed replica releases it with its session.
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var tryLock = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtext('crawler:crawl:' || @kind))", connection))
        {
            tryLock.Parameters.AddWithValue("kind", kind.ToString());
            if (!(bool)(await tryLock.ExecuteScalarAsync(cancellationToken))!)
            {
                return false;
            }
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrawlerDbContext>();
        await ScheduleAsync(db, kind, cancellationToken);
        var crawl = await db.Crawls
            .Where(c => c.Kind == kind && (c.Status == CrawlStatus.Running || c.Status == CrawlStatus.Pending))
            .OrderBy(c => c.Status == CrawlStatus.Running ? 0 : 1).ThenBy(c => c.RequestedAt)
            .FirstOrDefaultAsync(cancellationToken);
        if (crawl is null)
        {
            return false;
        }
        try
        {
            await scope.ServiceProvider.GetRequiredService<CrawlRunner>().RunAsync(crawl, cancellationToken);
        }
        catch (HubRequestFailedException ex)
        {
            // Keep the checkpoint; say why in the crawl's status, then resume later.
            db.ChangeTracker.Clear();
            await db.Crawls.Where(c => c.Id == crawl.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.LastError, ex.Message), CancellationToken.None);
            throw;
        }
        try
        {
            await scope.ServiceProvider.GetRequiredService<CrawlRetention>().PruneAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The crawl is complete; what was not pruned now is pruned after the next one.
            logger.PruningFailed(ex, crawl.Id);
        }
        return true;
    }

    private async Task ScheduleAsync(CrawlerDbContext db, CrawlKind kind, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var last = await db.Crawls.Where(c => c.Kind == kind)
            .OrderByDescending(c => c.RequestedAt).Select(c => (DateTimeOffset?)c.RequestedAt).FirstOrDefaultAsync(cancellationToken);
        bool due;
        if (kind == CrawlKind.Full)
        {
            due = last is null ? options.Value.CrawlOnStartup : IsDue(options.Value.FullCrawlCron, last.Value, now);
        }
        else
        {
            // Incremental crawls refresh a snapshot, so the first one is due a cron period after the first full snapshot.
            var since = last ?? await db.Crawls.Where(c => c.Kind == CrawlKind.Full)
                .OrderBy(c => c.RequestedAt).Select(c => (DateTimeOffset?)c.RequestedAt).FirstOrDefaultAsync(cancellationToken);
            due = since is not null && IsDue(options.Value.IncrementalCrawlCron, since.Value, now);
        }
        if (due && !await db.Crawls.AnyAsync(
            c => c.Kind == kind && (c.Status == CrawlStatus.Pending || c.Status == CrawlStatus.Running), cancellationToken))
        {
            db.Crawls.Add(NewCrawl(kind, hubOptions, now));
            await db.SaveChangesAsync(cancellationToken);
            logger.CrawlScheduled(kind);
        }
    }

    private static bool IsDue(string? cron, DateTimeOffset last, DateTimeOffset now) =>
        cron is { Length: > 0 }
        && CronExpression.Parse(cron).GetNextOccurrence(last.UtcDateTime, inclusive: false) is { } next
        && next <= now.UtcDateTime;

    public static Crawl NewCrawl(CrawlKind kind, HubOptions hub, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        Kind = kind,
        Status = CrawlStatus.Pending,
        RequestedAt = now,
        HubEndpoint = hub.Endpoint.ToString(),
    };
}
