using System.Text.Json;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Caches serialised API answers in Redis under a per-service generation number. Invalidation
/// (a snapshot completed, a family changed) bumps the generation, so every older entry is
/// orphaned at once and expires by itself: no key scans. Redis errors are logged and the
/// answer is computed instead: the cache makes the API faster, never unavailable.
/// </summary>
public sealed class ResponseCache(IConnectionMultiplexer redis, string serviceName, ILogger<ResponseCache> logger)
{
    private static readonly TimeSpan DefaultLifetime = TimeSpan.FromMinutes(30);
    private readonly string _generationKey = $"{serviceName}:generation";

    public async Task<T> GetOrCreateAsync<T>(string key, Func<Task<T>> create, TimeSpan? lifetime = null)
    {
        string? cacheKey = null;
        try
        {
            var db = redis.GetDatabase();
            var generation = (long?)await db.StringGetAsync(_generationKey) ?? 0;
            cacheKey = $"{serviceName}:{generation}:{key}";
            var cached = await db.StringGetAsync(cacheKey);
            if (cached.HasValue)
            {
                return JsonSerializer.Deserialize<T>((string)cached!, JsonSerializerOptions.Web)!;
            }
        }
        // A Redis that stops answering times out with a TimeoutException, not a RedisException: uncached all the same.
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogWarning(ex, "Redis unavailable; answering {Key} uncached", key);
            return await create();
        }

        var value = await create();
        try
        {
            await redis.GetDatabase().StringSetAsync(cacheKey, JsonSerializer.Serialize(value, JsonSerializerOptions.Web), lifetime ?? DefaultLifetime);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogWarning(ex, "Redis unavailable; {Key} not cached", key);
        }
        return value;
    }

    /// <summary>Drops every cached answer of this service.</summary>
    public async Task InvalidateAllAsync()
    {
        try
        {
            await redis.GetDatabase().StringIncrementAsync(_generationKey);
        }
        catch (RedisException ex)
        {
            logger.LogWarning(ex, "Redis unavailable; cache of {Service} not invalidated (entries expire by themselves)", serviceName);
        }
    }
}
