using HubPlatform.Contracts;
using HubPlatform.Search.Infrastructure;
using HubPlatform.Search.Pipeline;
using MassTransit;

namespace HubPlatform.Search.IntegrationEvents;

/// <summary>Stores a page of dataset documents, as <see cref="ModelsObservedConsumer"/> does for models.</summary>
public sealed class DatasetsObservedConsumer(DocumentStore documents, ResponseCache cache, IngestActivity ingest) : IConsumer<DatasetsObserved>
{
    public async Task Consume(ConsumeContext<DatasetsObserved> context)
    {
        var page = context.Message;
        if (page.Datasets is null || page.Datasets.Any(d => string.IsNullOrEmpty(d?.Id)))
        {
            throw new FormatException($"DatasetsObserved page {page.Page} of snapshot {page.SnapshotId} has a dataset without an id.");
        }
        await documents.UpsertAsync(page, context.CancellationToken);
        ingest.PageStored();
        await cache.InvalidateAllAsync();
    }
}
