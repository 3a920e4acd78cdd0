using HubPlatform.Contracts;
using HubPlatform.Lineage.Graph;
using HubPlatform.Lineage.Infrastructure;
using MassTransit;

namespace HubPlatform.Lineage.IntegrationEvents;

/// <summary>Applies a page to the graph; cached trees may now be stale, so they are dropped.</summary>
public sealed class ModelsObservedConsumer(EdgeStore edges, ResponseCache cache, SnapshotIngestion ingestion) : IConsumer<ModelsObserved>
{
    public async Task Consume(ConsumeContext<ModelsObserved> context)
    {
        var page = context.Message;
        page.EnsureStorable();
        await edges.ApplyAsync(page, context.CancellationToken);
        await cache.InvalidateAllAsync();
        var bases = page.Models.SelectMany(m => m.BaseModels).Select(b => b.Id).Distinct(StringComparer.Ordinal).ToArray();
        if (bases.Length > 0)
        {
            await context.Publish(new LineageUpdated(page.SnapshotId, page.Page, DateTimeOffset.UtcNow, bases));
        }
        await ingestion.FinishIfCompleteAsync(page.SnapshotId, context, context.CancellationToken);
    }
}
