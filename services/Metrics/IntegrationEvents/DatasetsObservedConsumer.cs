using HubPlatform.Contracts;
using HubPlatform.Metrics.Infrastructure;
using MassTransit;

namespace HubPlatform.Metrics.IntegrationEvents;

public sealed class DatasetsObservedConsumer(DatasetFactStore store, SnapshotIngestion ingestion,
    ILogger<DatasetsObservedConsumer> logger) : IConsumer<DatasetsObserved>
{
    public async Task Consume(ConsumeContext<DatasetsObserved> context)
    {
        var page = context.Message;
        SnapshotIngestion.EnsureIds("DatasetsObserved", page.SnapshotId, page.Page, page.Datasets, d => d.Id);
        await store.UpsertAsync(page, context.CancellationToken);
        await ingestion.AnnounceIfCompleteAsync(context, page.SnapshotId);
        logger.StoredDatasetsPage(page.Page, page.SnapshotId, page.Datasets.Count);
    }
}
