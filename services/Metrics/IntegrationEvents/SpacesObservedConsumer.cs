using HubPlatform.Contracts;
using HubPlatform.Metrics.Infrastructure;
using MassTransit;

namespace HubPlatform.Metrics.IntegrationEvents;

public sealed class SpacesObservedConsumer(SpaceFactStore store, SnapshotIngestion ingestion,
    ILogger<SpacesObservedConsumer> logger) : IConsumer<SpacesObserved>
{
    public async Task Consume(ConsumeContext<SpacesObserved> context)
    {
        var page = context.Message;
        SnapshotIngestion.EnsureIds("SpacesObserved", page.SnapshotId, page.Page, page.Spaces, s => s.Id);
        await store.UpsertAsync(page, context.CancellationToken);
        await ingestion.AnnounceIfCompleteAsync(context, page.SnapshotId);
        logger.StoredSpacesPage(page.Page, page.SnapshotId, page.Spaces.Count);
    }
}
