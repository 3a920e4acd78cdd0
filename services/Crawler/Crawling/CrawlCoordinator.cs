using Cronos;
using HubPlatform.Contracts;
using HubPlatform.Crawler.Hub;
using HubPlatform.Crawler.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace HubPlatform.Crawler.Crawling;

/// <summary>
/// Decides which crawl runs, on every replica: schedules full snapshots (on startup, then by
/// cron), resumes an interrupted crawl from its checkpoint, and picks up crawls requested
/// through the API. A Postgres advisory lock makes sure one replica crawls at a time.
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

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var pause = Poll;
            try
            {
                pause = await RunDueCrawlAsync(stoppingToken) ? TimeSpan.Zero : Poll;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Crawl interrupted; it resumes from its checkpoint in {Delay}", options.Value.ResumeAfterFailure);
                pause = options.Value.ResumeAfterFailure;
            }
            await Task.Delay(pause, time, stoppingToken);
        }
    }

    /// <summary>Runs the oldest crawl that is due, if this replica gets the lock. True if one ran.</summary>
    public async Task<bool> RunDueCrawlAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var tryLock = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtext('crawler:crawl'))", connection))
        {
            if (!(bool)(await tryLock.ExecuteScalarAsync(cancellationToken))!)
            {
                return false;
            }
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrawlerDbContext>();
        await ScheduleAsync(db, cancellationToken);
        var crawl = await db.Crawls
            .Where(c => c.Status == CrawlStatus.Running || c.Status == CrawlStatus.Pending)
            .OrderBy(c => c.Status == CrawlStatus.Running ? 0 : 1).ThenBy(c => c.RequestedAt)
            .FirstOrDefaultAsync(cancellationToken);
        if (crawl is null)
        {
            return false;
        }
        try
        {
            await scope.ServiceProvider.GetRequiredService<CrawlRunner>().RunAsync(crawl, cancellationToken);
            return true;
        }
        catch (HubRequestFailedException ex)
        {
            // Keep the checkpoint; say why in the crawl's status, then resume later.
            db.ChangeTracker.Clear();
            await db.Crawls.Where(c => c.Id == crawl.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.LastError, ex.Message), CancellationToken.None);
            throw;
        }
    }

    private async Task ScheduleAsync(CrawlerDbContext db, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var lastFull = await db.Crawls.Where(c => c.Kind == CrawlKind.Full)
            .OrderByDescending(c => c.RequestedAt).Select(c => (DateTimeOffset?)c.RequestedAt).FirstOrDefaultAsync(cancellationToken);
        var due = lastFull is null
            ? options.Value.CrawlOnStartup
            : options.Value.FullCrawlCron is { Length: > 0 } cron
              && CronExpression.Parse(cron).GetNextOccurrence(lastFull.Value.UtcDateTime, inclusive: false) is { } next
              && next <= now.UtcDateTime;
        if (due)
        {
            db.Crawls.Add(NewCrawl(CrawlKind.Full, hubOptions, now));
            await db.SaveChangesAsync(cancellationToken);
            logger.LogInformation("A full snapshot is due; crawl scheduled");
        }
    }

    public static Crawl NewCrawl(CrawlKind kind, HubOptions hub, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        Kind = kind,
        Status = CrawlStatus.Pending,
        RequestedAt = now,
        HubEndpoint = hub.Endpoint.ToString(),
    };
}
