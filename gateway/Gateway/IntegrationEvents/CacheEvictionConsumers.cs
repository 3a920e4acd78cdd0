using HubPlatform.Contracts;
using HubPlatform.Gateway.Caching;
using MassTransit;
using Microsoft.AspNetCore.OutputCaching;

namespace HubPlatform.Gateway.IntegrationEvents;

/// <summary>Which cached answers an event makes stale: the output cache tags it evicts.</summary>
public static class StaleTags
{
    private static readonly string[] MetricsAndSearch = [CachePolicies.Metrics, CachePolicies.Search];
    private static readonly string[] Lineage = [CachePolicies.Lineage];

    /// <summary>A service finished ingesting a snapshot; search ranks by the metrics snapshot's downloads and likes.</summary>
    public static IReadOnlyList<string> Of(SnapshotIngested ingested) =>
        string.Equals(ingested.Service, CachePolicies.Metrics, StringComparison.Ordinal) ? MetricsAndSearch : [ingested.Service];

    /// <summary>A family tree changed.</summary>
    public static IReadOnlyList<string> Of(LineageUpdated updated) => Lineage;

    public static async Task EvictAsync(this IOutputCacheStore cache, IReadOnlyList<string> tags, CancellationToken cancellationToken)
    {
        foreach (var tag in tags)
        {
            await cache.EvictByTagAsync(tag, cancellationToken);
        }
    }
}

/// <summary>
/// A service finished ingesting a snapshot: its cached answers are stale. On the gateway's durable queue, shared by its
/// replicas (one of them evicts in Redis, even when it was down as the event came); each replica's memory is emptied by
/// <see cref="ReplicaCacheEvictionConsumer"/>.
/// </summary>
public sealed class SnapshotIngestedConsumer(IOutputCacheStore cache) : IConsumer<SnapshotIngested>
{
    public Task Consume(ConsumeContext<SnapshotIngested> context) => cache.EvictAsync(StaleTags.Of(context.Message), context.CancellationToken);
}

/// <summary>A family tree changed: cached trees are stale.</summary>
public sealed class LineageUpdatedConsumer(IOutputCacheStore cache) : IConsumer<LineageUpdated>
{
    public Task Consume(ConsumeContext<LineageUpdated> context) => cache.EvictAsync(StaleTags.Of(context.Message), context.CancellationToken);
}
