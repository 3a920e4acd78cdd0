using System.Collections.Concurrent;
using StackExchange.Redis;

namespace HubPlatform.Gateway.RateLimiting;

/// <summary>
/// Counts each client's requests in fixed one-minute windows (aligned to the clock's minutes). In Redis, so
/// every gateway replica spends the same budget. While Redis cannot be reached, in this replica's memory,
/// with the same budget and the same windows: a limit per replica is looser than one shared, but a cache
/// outage must not lift the limit (a client could then flood the services while Redis is down). The switch
/// is logged once each way; while Redis is down it is tried again every few seconds, not on every request
/// (a hung Redis would cost each request its timeout).
/// </summary>
public sealed class RateBudgets(IConnectionMultiplexer redis, ILogger<RateBudgets> logger)
{
    public static readonly TimeSpan RetryRedisAfter = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<(string Client, long Window), long> _local = new();
    private long _localWindow;
    // Environment.TickCount64 before which Redis is not tried again; 0 while Redis answers.
    private long _redisDownUntil;

    /// <summary>
    /// Spends one request of <paramref name="client"/>'s budget in <paramref name="window"/> (a minute since the epoch); returns the requests spent
    /// in it so far.
    /// </summary>
    public async Task<long> SpendAsync(string client, long window)
    {
        if (Environment.TickCount64 >= Volatile.Read(ref _redisDownUntil))
        {
            try
            {
                var used = await SpendInRedisAsync(client, window);
                if (Interlocked.Exchange(ref _redisDownUntil, 0) != 0)
                {
                    logger.RateLimitsInRedis();
                }
                return used;
            }
            catch (Exception ex) when (ex is RedisException or RedisTimeoutException)
            {
                if (Interlocked.Exchange(ref _redisDownUntil, Environment.TickCount64 + (long)RetryRedisAfter.TotalMilliseconds) == 0)
                {
                    logger.RateLimitsInMemory(ex);
                }
            }
        }
        return SpendLocally(client, window);
    }

    private async Task<long> SpendInRedisAsync(string client, long window)
    {
        var db = redis.GetDatabase();
        var key = $"gateway:rate:{client}:{window}";
        var used = await db.StringIncrementAsync(key);
        if (used == 1)
        {
            await db.KeyExpireAsync(key, TimeSpan.FromSeconds(61));
        }
        return used;
    }

    private long SpendLocally(string client, long window)
    {
        // A new minute: the counts of earlier ones are of no use any more.
        if (Interlocked.Exchange(ref _localWindow, window) != window)
        {
            foreach (var key in _local.Keys.Where(k => k.Window < window))
            {
                _local.TryRemove(key, out _);
            }
        }
        return _local.AddOrUpdate((client, window), 1, (_, used) => used + 1);
    }
}
