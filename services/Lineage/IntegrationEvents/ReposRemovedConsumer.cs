using HubPlatform.Contracts;
using HubPlatform.Lineage.Graph;
using HubPlatform.Lineage.Infrastructure;
using MassTransit;

namespace HubPlatform.Lineage.IntegrationEvents;

/// <summary>
/// Removed models leave the graph from the snapshot that found them gone. The removal may arrive
/// after the snapshot was rolled up (it travels on its own queue), so the rollup is redone then.
/// </summary>
public sealed class ReposRemovedConsumer(EdgeStore edges, ResponseCache cache, SnapshotIngestion ingestion) : IConsumer<ReposRemoved>
{
    public async Task Consume(ConsumeContext<ReposRemoved> context)
    {
        var removed = context.Message;
        if (removed.RepoType != RepoType.Model)
        {
            return;
        }
        if (removed.Ids is null || removed.Ids.Any(string.IsNullOrEmpty))
        {
            throw new FormatException($"ReposRemoved of snapshot {removed.SnapshotId} names a model without an id.");
        }
        var changed = await edges.RemoveAsync(removed, context.CancellationToken);
        await cache.InvalidateAllAsync();
        if (changed.Count > 0)
        {
            await context.Publish(new LineageUpdated(removed.SnapshotId, 0, DateTimeOffset.UtcNow, changed));
        }
        await ingestion.FinishIfCompleteAsync(removed.SnapshotId, context, context.CancellationToken, graphChanged: changed.Count > 0);
    }
}
