using HubPlatform.Contracts;
using HubPlatform.Lineage.Graph;
using HubPlatform.Lineage.Infrastructure;
using MassTransit;

namespace HubPlatform.Lineage.IntegrationEvents;

/// <summary>Applies a page to the graph; when families changed, cached trees are dropped and the gateway told.</summary>
public sealed class ModelsObservedConsumer(EdgeStore edges, ResponseCache cache, SnapshotIngestion ingestion) : IConsumer<ModelsObserved>
{
    public async Task Consume(ConsumeContext<ModelsObserved> context)
    {
        var page = context.Message;
        page.EnsureStorable();
        var changed = await edges.ApplyAsync(page, context.CancellationToken);
        // Node details (downloads, resolution) may have moved even when no edge did.
        await cache.InvalidateAllAsync();
        if (changed.Count > 0)
        {
            await context.Publish(new LineageUpdated(page.SnapshotId, page.Page, DateTimeOffset.UtcNow, changed));
        }
        await ingestion.FinishIfCompleteAsync(page.SnapshotId, context, context.CancellationToken);
    }
}
