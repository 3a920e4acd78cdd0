using HubPlatform.Contracts;
using HubPlatform.Crawler.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace HubPlatform.Crawler.Crawling;

/// <summary>What one pruning deleted, and the sent events' cutoff it used.</summary>
public sealed record PruneResult(long SnapshotRepos, int Snapshots, long SentEvents, DateTimeOffset SentBefore);

/// <summary>
/// Keeps the crawler's schema bounded: after each crawl, the repo lists of all but the last
/// <see cref="CrawlerOptions.KeepSnapshots"/> completed full snapshots (and of none under way) are
/// deleted, and so are the sent events older than the oldest kept snapshot's start or than
/// <see cref="CrawlerOptions.KeepSentEventsFor"/>. What stays is what resume (the running crawl's
/// checkpoint and repos), removed-repo detection (the previous snapshot's list) and a replay of
/// the last snapshots' events need; unsent and moved-aside events are never deleted. Deletes run
/// in batches of <see cref="CrawlerOptions.PruneBatchSize"/>, each its own short transaction,
/// then a plain VACUUM makes the space reusable by the next crawl at once (autovacuum waits
/// for 20% of a big table to be dead).
/// </summary>
public sealed class CrawlRetention(CrawlerDbContext db, IOptions<CrawlerOptions> options, TimeProvider time, ILogger<CrawlRetention> logger)
{
    public async Task<PruneResult> PruneAsync(CancellationToken cancellationToken)
    {
        var keep = Math.Max(1, options.Value.KeepSnapshots);
        var batch = Math.Max(1, options.Value.PruneBatchSize);
        var full = await db.Crawls.AsNoTracking().Where(c => c.Kind == CrawlKind.Full)
            .Select(c => new { c.Id, c.Status, c.StartedAt, c.CompletedAt }).ToListAsync(cancellationToken);
        var kept = full.Where(c => c.Status == CrawlStatus.Completed).OrderByDescending(c => c.CompletedAt).Take(keep).ToList();
        var old = full.Where(c => c.Status is CrawlStatus.Completed or CrawlStatus.Failed && !kept.Contains(c)).Select(c => c.Id).ToList();

        // An index range per old snapshot (the key starts with snapshot_id); one already pruned costs one probe.
        // A row is a listing page's repos: the batch counts pages, the result repos.
        long repos = 0;
        var snapshots = 0;
        foreach (var snapshot in old)
        {
            long deletedRepos = 0;
            await DeleteInBatchesAsync(async () =>
            {
                var pages = await db.Database.SqlQuery<int>($"""
                    DELETE FROM crawler.snapshot_repo_pages WHERE (snapshot_id, page) IN (
                        SELECT snapshot_id, page FROM crawler.snapshot_repo_pages WHERE snapshot_id = {snapshot} LIMIT {batch})
                    RETURNING cardinality(repo_ids) AS "Value"
                    """).ToListAsync(cancellationToken);
                deletedRepos += pages.Sum(p => (long)p);
                return pages.Count;
            }, batch);
            repos += deletedRepos;
            snapshots += deletedRepos > 0 ? 1 : 0;
        }

        // Whichever comes later: the start of the oldest kept snapshot, or the end of the time window.
        var sentBefore = time.GetUtcNow() - options.Value.KeepSentEventsFor;
        if (kept.Count == keep && kept[^1].StartedAt is { } oldestKept && oldestKept > sentBefore)
        {
            sentBefore = oldestKept;
        }
        var events = await DeleteInBatchesAsync(() => db.Database.ExecuteSqlAsync($"""
            DELETE FROM crawler.outbox WHERE id IN (
                SELECT id FROM crawler.outbox WHERE sent_at IS NOT NULL AND created_at < {sentBefore} ORDER BY id LIMIT {batch})
            """, cancellationToken), batch);

        CrawlerMetrics.Pruned.Add(repos, new KeyValuePair<string, object?>("table", "snapshot_repo_pages"));
        CrawlerMetrics.Pruned.Add(events, new KeyValuePair<string, object?>("table", "outbox"));
        if (repos + events > 0)
        {
            await VacuumAsync(cancellationToken);
        }
        var keptIds = string.Join(", ", kept.Select(k => k.Id));
        logger.Pruned(repos, snapshots, keep, keptIds, events, sentBefore);
        return new PruneResult(repos, snapshots, events, sentBefore);
    }

    private static async Task<long> DeleteInBatchesAsync(Func<Task<int>> deleteBatch, int batch)
    {
        long total = 0;
        int deleted;
        do
        {
            deleted = await deleteBatch();
            total += deleted;
        }
        while (deleted == batch);
        return total;
    }

    private async Task VacuumAsync(CancellationToken cancellationToken)
    {
        try
        {
            // Not FULL: no exclusive lock, the crawl and the relay go on; the freed pages are reused, not returned.
            await db.Database.ExecuteSqlRawAsync("VACUUM crawler.snapshot_repo_pages, crawler.outbox", cancellationToken);
        }
        catch (Exception ex) when (ex is Npgsql.PostgresException or InvalidOperationException)
        {
            logger.VacuumFailed(ex);
        }
    }
}
