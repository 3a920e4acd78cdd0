using HubPlatform.Contracts;
using HubPlatform.Gateway.Caching;
using MassTransit;
using StackExchange.Redis;

namespace HubPlatform.Gateway.IntegrationEvents;

/// <summary>
/// The same eviction events as <see cref="SnapshotIngestedConsumer"/> and <see cref="LineageUpdatedConsumer"/>, on a
/// queue of this replica's own (temporary: deleted when the replica stops), so every replica hears every event and
/// empties its memory level. It evicts in Redis first as well (deleting what is gone is harmless): once this replica
/// has handled the event, neither level it reads can give it an answer from before the event, whichever replica's
/// durable consumer got there first.
/// </summary>
public sealed partial class ReplicaCacheEvictionConsumer(TwoLevelOutputCacheStore cache, ILogger<ReplicaCacheEvictionConsumer> logger)
    : IConsumer<SnapshotIngested>, IConsumer<LineageUpdated>
{
    public Task Consume(ConsumeContext<SnapshotIngested> context) => EvictAsync(StaleTags.Of(context.Message), context.CancellationToken);

    public Task Consume(ConsumeContext<LineageUpdated> context) => EvictAsync(StaleTags.Of(context.Message), context.CancellationToken);

    private async Task EvictAsync(IReadOnlyList<string> tags, CancellationToken cancellationToken)
    {
        try
        {
            await cache.EvictAsync(tags, cancellationToken);
        }
        // The memory level is emptied whatever Redis does (TwoLevelOutputCacheStore.EvictByTagAsync); Redis's eviction is
        // the durable consumer's to retry. Failing here would only fill an error queue per replica.
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            cache.ForgetReplicaEntries();
            LogRedisNotEvicted(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Redis unavailable: this replica's memory of cached answers is emptied; Redis is evicted by the durable consumer")]
    private static partial void LogRedisNotEvicted(ILogger logger, Exception exception);
}
