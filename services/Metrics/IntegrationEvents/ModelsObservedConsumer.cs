using HubPlatform.Contracts;
using HubPlatform.Metrics.Infrastructure;
using MassTransit;

namespace HubPlatform.Metrics.IntegrationEvents;

public sealed class ModelsObservedConsumer(ModelFactStore store, SnapshotIngestion ingestion,
    ILogger<ModelsObservedConsumer> logger) : IConsumer<ModelsObserved>
{
    public async Task Consume(ConsumeContext<ModelsObserved> context)
    {
        var page = context.Message;
        page.EnsureStorable();
        await store.UpsertAsync(page, context.CancellationToken);
        await ingestion.AnnounceIfCompleteAsync(context, page.SnapshotId);
        logger.StoredModelsPage(page.Page, page.SnapshotId, page.Models.Count);
    }
}
