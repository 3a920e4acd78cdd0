using HubPlatform.Contracts;
using HubPlatform.Metrics.Infrastructure;
using MassTransit;

namespace HubPlatform.Metrics.IntegrationEvents;

public sealed class OrganizationsObservedConsumer(OrganizationStore store, SnapshotIngestion ingestion,
    ILogger<OrganizationsObservedConsumer> logger) : IConsumer<OrganizationsObserved>
{
    public async Task Consume(ConsumeContext<OrganizationsObserved> context)
    {
        var page = context.Message;
        SnapshotIngestion.EnsureIds("OrganizationsObserved", page.SnapshotId, page.Page, page.Authors, a => a.Name);
        await store.UpsertAsync(page, context.CancellationToken);
        await ingestion.AnnounceIfCompleteAsync(context, page.SnapshotId);
        logger.StoredAuthorsPage(page.Page, page.SnapshotId, page.Authors.Count);
    }
}
