using HubPlatform.Contracts;
using MassTransit;

namespace HubPlatform.Lineage.IntegrationEvents;

/// <summary>Family trees may have changed anywhere: drop cached trees.</summary>
public sealed class SnapshotCompletedConsumer(ResponseCache cache) : IConsumer<SnapshotCompleted>
{
    public Task Consume(ConsumeContext<SnapshotCompleted> context) => cache.InvalidateAllAsync();
}
