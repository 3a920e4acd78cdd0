using HubPlatform.Contracts;
using MassTransit;

namespace HubPlatform.Search.IntegrationEvents;

public sealed class SnapshotCompletedConsumer(ResponseCache cache) : IConsumer<SnapshotCompleted>
{
    public Task Consume(ConsumeContext<SnapshotCompleted> context) => cache.InvalidateAllAsync();
}
