using HubPlatform.Contracts;
using HubPlatform.Ingestion;
using HubPlatform.Metrics.Infrastructure;
using MassTransit;

namespace HubPlatform.Metrics.IntegrationEvents;

/// <summary>
/// After any page or the completion is stored: whichever message finds the snapshot fully
/// ingested builds its aggregates (once), applies retention, drops the cached answers (they
/// describe an older hub) and announces it.
/// </summary>
public sealed class SnapshotIngestion(MetricsDbContext db, IServiceScopeFactory scopes, ResponseCache cache, SnapshotRetention retention,
    ILogger<SnapshotIngestion> logger)
{
    public async Task AnnounceIfCompleteAsync(ConsumeContext context, Guid snapshotId)
    {
        if (await new SnapshotProgress(db, MetricsDbContext.Schema).IsFullyIngestedAsync(snapshotId, context.CancellationToken))
        {
            // This snapshot now outranks the latest one the replicas keep (LatestSnapshot): they must ask again.
            await cache.InvalidateAllAsync();
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            if (await SnapshotAggregates.BuildAsync(db, scopes, snapshotId, context.CancellationToken))
            {
                logger.BuiltAggregates(snapshotId, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
                await retention.ApplyAsync(context.CancellationToken);
            }
            await cache.InvalidateAllAsync();
            await context.Publish(new SnapshotIngested(snapshotId, "metrics", DateTimeOffset.UtcNow));
        }
    }

    /// <summary>A page whose repos have no id cannot be stored: FormatException sends it to the error queue unretried.</summary>
    public static void EnsureIds<T>(string kind, Guid snapshotId, int page, IReadOnlyList<T>? items, Func<T, string?> id)
    {
        if (items is null || items.Any(x => x is null || string.IsNullOrEmpty(id(x))))
        {
            throw new FormatException($"{kind} page {page} of snapshot {snapshotId} has an entry without an id.");
        }
    }
}
