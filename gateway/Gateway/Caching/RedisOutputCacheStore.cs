using Microsoft.AspNetCore.OutputCaching;
using StackExchange.Redis;

namespace HubPlatform.Gateway.Caching;

/// <summary>
/// The output cache in Redis, so every gateway replica serves (and evicts) the same entries.
/// A tag is a Redis set of the keys stored under it; evicting a tag deletes them. When Redis is
/// down or stops answering the gateway answers uncached (a timeout is a <see cref="TimeoutException"/>,
/// not a <see cref="RedisException"/>: both are caught). The second level of <see cref="TwoLevelOutputCacheStore"/>.
/// </summary>
public sealed class RedisOutputCacheStore(IConnectionMultiplexer redis, ILogger<RedisOutputCacheStore> logger) : IOutputCacheStore
{
    private const string KeyPrefix = "gateway:oc:";
    private const string TagPrefix = "gateway:oc-tag:";

    public async ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken) => (await GetWithExpiryAsync(key)).Value;

    /// <summary>The entry and the time it has left (GET and PTTL in one round trip), or nothing when Redis does not answer.</summary>
    public async Task<(byte[]? Value, TimeSpan? ExpiresIn)> GetWithExpiryAsync(string key)
    {
        try
        {
            var entry = await redis.GetDatabase().StringGetWithExpiryAsync(KeyPrefix + key);
            return ((byte[]?)entry.Value, entry.Expiry);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.OutputCacheMiss(ex);
            return (null, null);
        }
    }

    public async ValueTask SetAsync(string key, byte[] value, string[]? tags, TimeSpan validFor, CancellationToken cancellationToken)
    {
        try
        {
            var db = redis.GetDatabase();
            var batch = db.CreateBatch();
            var writes = new List<Task> { batch.StringSetAsync(KeyPrefix + key, value, validFor) };
            foreach (var tag in tags ?? [])
            {
                writes.Add(batch.SetAddAsync(TagPrefix + tag, KeyPrefix + key));
                writes.Add(batch.KeyExpireAsync(TagPrefix + tag, validFor));
            }
            batch.Execute();
            await Task.WhenAll(writes);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.ResponseNotCached(ex);
        }
    }

    public async ValueTask EvictByTagAsync(string tag, CancellationToken cancellationToken)
    {
        var db = redis.GetDatabase();
        var keys = await db.SetMembersAsync(TagPrefix + tag);
        if (keys.Length > 0)
        {
            await db.KeyDeleteAsync(keys.Select(k => (RedisKey)(string)k!).ToArray());
        }
        await db.KeyDeleteAsync(TagPrefix + tag);
        logger.Evicted(keys.Length, tag);
    }
}
