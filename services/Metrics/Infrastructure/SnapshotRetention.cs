using HubPlatform.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace HubPlatform.Metrics.Infrastructure;

/// <summary>How many snapshots metrics keeps (configuration section Metrics:Retention).</summary>
public sealed class RetentionOptions
{
    public const string Section = "Metrics:Retention";

    /// <summary>
    /// Full snapshots kept, newest first: they are the weekly time series trends and lifecycles
    /// read, so by default (null) every one stays. A count drops the oldest beyond it.
    /// </summary>
    public int? FullSnapshots { get; set; }
}

/// <summary>
/// Drops snapshots a weekly-snapshot trend platform no longer needs, partitions and all:
/// <list type="bullet">
/// <item>incremental (hourly) crawls that completed before the newest fully ingested full snapshot
/// started: that full snapshot saw everything they saw, and they never stand for "the hub now";</item>
/// <item>full snapshots beyond <see cref="RetentionOptions.FullSnapshots"/>, oldest first (only when set).</item>
/// </list>
/// Runs after a snapshot's aggregates are built. Dropping a snapshot drops its fact and aggregate
/// partitions (DROP TABLE: no row-by-row delete) and deletes its pages and row, in one
/// transaction; running it again finds nothing to drop. Snapshots still being crawled or ingested
/// are never dropped.
/// </summary>
public sealed class SnapshotRetention(MetricsDbContext db, IOptions<RetentionOptions> options, ILogger<SnapshotRetention> logger)
{
    public async Task<IReadOnlyList<Guid>> ApplyAsync(CancellationToken ct)
    {
        var full = nameof(CrawlKind.Full);
        var complete = db.Snapshots.Where(s => s.CompletedAt != null && s.AggregatedAt != null);
        var newestFull = await complete.Where(s => s.Kind == full).OrderByDescending(s => s.StartedAt).Select(s => (DateTimeOffset?)s.StartedAt)
            .FirstOrDefaultAsync(ct);
        if (newestFull is null)
        {
            return [];
        }
        var drop = await complete.Where(s => s.Kind != full && s.StartedAt < newestFull).Select(s => s.Id).ToListAsync(ct);
        if (options.Value.FullSnapshots is { } keep)
        {
            drop.AddRange(await complete.Where(s => s.Kind == full).OrderByDescending(s => s.StartedAt).Skip(Math.Max(keep, 1)).Select(s => s.Id)
                .ToListAsync(ct));
        }
        foreach (var snapshot in drop)
        {
            await DropAsync(snapshot, ct);
            logger.RetentionDropped(snapshot);
        }
        return drop;
    }

    private async Task DropAsync(Guid snapshot, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await SnapshotPartitions.DropAsync(db, snapshot, ct);
        await db.SnapshotPages.Where(p => p.SnapshotId == snapshot).ExecuteDeleteAsync(ct);
        await db.Snapshots.Where(s => s.Id == snapshot).ExecuteDeleteAsync(ct);
        await transaction.CommitAsync(ct);
    }
}
