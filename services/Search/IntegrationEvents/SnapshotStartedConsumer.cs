using HubPlatform.Contracts;
using HubPlatform.Search.Pipeline;
using MassTransit;

namespace HubPlatform.Search.IntegrationEvents;

/// <summary>
/// A crawl began: the embedding worker holds inference until it completes (see <see cref="IngestActivity"/>).
/// With several replicas one of them hears it; the others hold inference only between listing pages.
/// </summary>
public sealed class SnapshotStartedConsumer(IngestActivity ingest) : IConsumer<SnapshotStarted>
{
    public Task Consume(ConsumeContext<SnapshotStarted> context)
    {
        ingest.CrawlStarted(context.Message.SnapshotId);
        return Task.CompletedTask;
    }
}
