using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Metrics.Infrastructure;

/// <summary>
/// At start (after the migrations), builds the aggregates that snapshots built by an older
/// <see cref="SnapshotAggregates.Version"/> lack, one snapshot at a time, newest first (the one the views show by
/// default). Until then their queries read the facts: the same answers, slower. Replicas starting together build
/// each snapshot once (the build's per-snapshot lock); a failure is logged and retried at the next start.
/// </summary>
public sealed class AggregateBackfill(IServiceScopeFactory scopes, ILogger<AggregateBackfill> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        List<Guid> behind;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            behind = await scope.ServiceProvider.GetRequiredService<MetricsDbContext>().Snapshots
                .Where(s => s.AggregatedAt != null && s.AggregatesVersion < SnapshotAggregates.Version)
                .OrderByDescending(s => s.StartedAt).Select(s => s.Id).ToListAsync(stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // An exception leaving a background service stops the host: a backfill that cannot start waits for the next start instead.
            logger.ListingBehindAggregatesFailed(ex);
            return;
        }
        foreach (var snapshot in behind)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                await SnapshotAggregates.BuildAsync(scope.ServiceProvider.GetRequiredService<MetricsDbContext>(), scopes, snapshot, stoppingToken);
                logger.BackfilledAggregates(snapshot, SnapshotAggregates.Version, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.BackfillFailed(ex, snapshot);
            }
        }
    }
}
