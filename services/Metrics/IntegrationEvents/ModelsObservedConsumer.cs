using HubPlatform.Contracts;
using HubPlatform.Metrics.Infrastructure;
using MassTransit;

namespace HubPlatform.Metrics.IntegrationEvents;

public sealed class ModelsObservedConsumer(ModelFactStore store, MetricsDbContext db, ResponseCache cache, ILogger<ModelsObservedConsumer> logger) : IConsumer<ModelsObserved>
{
    public async Task Consume(ConsumeContext<ModelsObserved> context)
    {
        var page = context.Message;
        page.EnsureStorable();
        await store.UpsertAsync(page, context.CancellationToken);
        if (await new SnapshotProgress(db, MetricsDbContext.Schema).IsFullyIngestedAsync(page.SnapshotId, context.CancellationToken))
        {
            await cache.InvalidateAllAsync();
            await context.Publish(new SnapshotIngested(page.SnapshotId, "metrics", DateTimeOffset.UtcNow));
        }
        logger.LogDebug("Stored page {Page} of snapshot {SnapshotId}: {Models} models", page.Page, page.SnapshotId, page.Models.Count);
    }
}
