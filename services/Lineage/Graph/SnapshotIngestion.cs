using HubPlatform.Contracts;
using HubPlatform.Lineage.Infrastructure;
using MassTransit;

namespace HubPlatform.Lineage.Graph;

/// <summary>
/// What lineage does once a snapshot is fully applied (its completion and all its pages, in
/// whatever order they came): roll up the snapshot's families, drop cached answers, tell the gateway.
/// </summary>
public sealed class SnapshotIngestion(LineageDbContext db, FamilyRollup rollup, ResponseCache cache)
{
    public async Task FinishIfCompleteAsync(Guid snapshotId, IPublishEndpoint publisher, CancellationToken cancellationToken, bool graphChanged = false)
    {
        if (!await new SnapshotProgress(db, LineageDbContext.Schema).IsFullyIngestedAsync(snapshotId, cancellationToken))
        {
            return;
        }
        await rollup.RecomputeAsync(snapshotId, graphChanged, cancellationToken);
        await cache.InvalidateAllAsync();
        await publisher.Publish(new SnapshotIngested(snapshotId, "lineage", DateTimeOffset.UtcNow), cancellationToken);
    }
}
