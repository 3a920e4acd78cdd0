using HubPlatform.Contracts;
using HubPlatform.Search.Infrastructure;
using HubPlatform.Search.Pipeline;
using MassTransit;

namespace HubPlatform.Search.IntegrationEvents;

/// <summary>Stores a page of documents; cached results may now be stale, so they are dropped.</summary>
public sealed class ModelsObservedConsumer(DocumentStore documents, ResponseCache cache, IngestActivity ingest) : IConsumer<ModelsObserved>
{
    public async Task Consume(ConsumeContext<ModelsObserved> context)
    {
        var page = context.Message;
        page.EnsureStorable();
        await documents.UpsertAsync(page, context.CancellationToken);
        ingest.PageStored();
        await cache.InvalidateAllAsync();
    }
}
