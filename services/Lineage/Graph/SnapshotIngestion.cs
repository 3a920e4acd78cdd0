using HubPlatform.Contracts;
using HubPlatform.Ingestion;
using HubPlatform.Lineage.Infrastructure;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Lineage.Graph;

/// <summary>
/// What lineage does once a snapshot is fully applied (its completion and all its pages, in
/// whatever order they came): roll up the snapshot's families, drop cached answers, tell the gateway.
/// </summary>
public sealed class SnapshotIngestion(LineageDbContext db, FamilyRollup rollup, ResponseCache cache)
{
    /// <summary>
    /// Rolls up the snapshot if it is fully applied, and any later snapshot whose rollup this
    /// event made stale (see <c>EdgeStore</c>). <paramref name="graphChanged"/>: this event changed
    /// the snapshot's own graph, so it is redone even if a concurrent rollup just marked it done.
    /// </summary>
    public async Task FinishIfCompleteAsync(Guid snapshotId, IPublishEndpoint publisher, CancellationToken cancellationToken,
        bool graphChanged = false)
    {
        var progress = new SnapshotProgress(db, LineageDbContext.Schema);
        var stale = await db.Database.SqlQuery<Guid>($"""
            SELECT s.id AS "Value" FROM lineage.snapshots s
            WHERE s.id <> {snapshotId} AND s.rolled_up_at IS NULL AND s.completed_at IS NOT NULL
              AND s.observed_at >= (SELECT o.observed_at FROM lineage.snapshots o WHERE o.id = {snapshotId})
            ORDER BY s.observed_at
            """).ToListAsync(cancellationToken);
        foreach (var id in stale.Prepend(snapshotId))
        {
            if (!await progress.IsFullyIngestedAsync(id, cancellationToken))
            {
                continue;
            }
            await rollup.RecomputeAsync(id, graphChanged && id == snapshotId, cancellationToken);
            await cache.InvalidateAllAsync();
            await publisher.Publish(new SnapshotIngested(id, "lineage", DateTimeOffset.UtcNow), cancellationToken);
        }
    }
}
