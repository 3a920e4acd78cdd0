using HubPlatform.Contracts;
using HubPlatform.Search.Pipeline;
using MassTransit;

namespace HubPlatform.Search.IntegrationEvents;

/// <summary>A crawl ended: cached results may be stale, and the embedding worker need not wait for its pages any more.</summary>
public sealed class SnapshotCompletedConsumer(ResponseCache cache, IngestActivity ingest) : IConsumer<SnapshotCompleted>
{
    public Task Consume(ConsumeContext<SnapshotCompleted> context)
    {
        ingest.CrawlCompleted(context.Message.SnapshotId);
        return cache.InvalidateAllAsync();
    }
}
