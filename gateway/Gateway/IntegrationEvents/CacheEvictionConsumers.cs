using HubPlatform.Contracts;
using HubPlatform.Gateway.Caching;
using MassTransit;
using Microsoft.AspNetCore.OutputCaching;

namespace HubPlatform.Gateway.IntegrationEvents;

/// <summary>A service finished ingesting a snapshot: its cached answers are stale.</summary>
public sealed class SnapshotIngestedConsumer(IOutputCacheStore cache) : IConsumer<SnapshotIngested>
{
    public async Task Consume(ConsumeContext<SnapshotIngested> context)
    {
        await cache.EvictByTagAsync(context.Message.Service, context.CancellationToken);
        if (context.Message.Service == CachePolicies.Metrics)
        {
            // Search ranks by the same snapshot's downloads and likes.
            await cache.EvictByTagAsync(CachePolicies.Search, context.CancellationToken);
        }
    }
}

/// <summary>A family tree changed: cached trees are stale.</summary>
public sealed class LineageUpdatedConsumer(IOutputCacheStore cache) : IConsumer<LineageUpdated>
{
    public async Task Consume(ConsumeContext<LineageUpdated> context) =>
        await cache.EvictByTagAsync(CachePolicies.Lineage, context.CancellationToken);
}
