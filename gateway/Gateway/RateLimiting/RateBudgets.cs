using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace HubPlatform.Gateway.RateLimiting;

/// <summary>
/// Counts each client's requests in fixed one-minute windows (aligned to the clock's minutes), against one budget that
/// every gateway replica spends: a counter per client and window in Redis. A replica does not ask Redis per request: it
/// takes a batch of the budget at a time (<see cref="ClientRateLimitOptions.ReservePercent"/>, INCRBY on the shared
/// counter) and spends it in memory, taking the next batch in the background when half is spent.
/// <para>Error: tokens are taken from the shared counter before they are spent, so while Redis answers the replicas
/// together never let a client through more than its budget. A client may be refused early by the tokens other
/// replicas took and have not spent yet: less than 1.5 batches each, (replicas − 1) × 3 % of the budget by default.
/// With one replica there is no error.</para>
/// <para>While Redis cannot be reached, this replica counts in its own memory with the same budget and windows, starting
/// from what it last knew of the shared count: a limit per replica is looser than one shared, but a cache outage must
/// not lift the limit. The switch is logged once each way; while Redis is down it is tried again every few seconds, not
/// on every request (a hung Redis would cost each request its timeout).</para>
/// </summary>
public sealed class RateBudgets(IConnectionMultiplexer redis, IOptions<ClientRateLimitOptions> options, ILogger<RateBudgets> logger)
{
    public static readonly TimeSpan RetryRedisAfter = TimeSpan.FromSeconds(5);

    /// <summary>A window's counter outlives the window by a second: a replica's clock may be a little behind.</summary>
    private static readonly TimeSpan CounterLifetime = TimeSpan.FromSeconds(61);

    private readonly ConcurrentDictionary<(string Client, long Window), Lease> _leases = new();
    private readonly ConcurrentDictionary<(string Client, long Window), long> _local = new();
    private long _window;
    // Environment.TickCount64 before which Redis is not tried again; 0 while Redis answers.
    private long _redisDownUntil;
    // Environment.TickCount64 when Redis last answered a reservation.
    private long _redisAnsweredAt;

    /// <summary>
    /// Spends one request of <paramref name="client"/>'s budget of <paramref name="quota"/> in <paramref name="window"/> (a minute since
    /// the epoch); returns the requests spent in it so far, as this replica knows them: above the quota means refused.
    /// </summary>
    public async ValueTask<long> SpendAsync(string client, long window, long quota)
    {
        ForgetEarlierWindows(window);
        var lease = _leases.GetOrAdd((client, window), static _ => new Lease());
        while (true)
        {
            Task reservation;
            lock (lease)
            {
                if (lease.Unspent > 0)
                {
                    lease.Unspent--;
                    if (lease.Unspent * 2 < Batch(quota) && !lease.Exhausted && lease.Pending is null && RedisMayAnswer)
                    {
                        lease.Pending = ReserveAsync(lease, client, window, quota);
                    }
                    return lease.SharedUsed - lease.Unspent;
                }
                if (lease.Exhausted)
                {
                    return quota + 1;
                }
                if (lease.Pending is null && !RedisMayAnswer)
                {
                    break;
                }
                reservation = lease.Pending ??= ReserveAsync(lease, client, window, quota);
            }
            await reservation;
        }
        long known;
        lock (lease)
        {
            known = lease.SharedUsed;
        }
        return SpendLocally(client, window, known);
    }

    private bool RedisMayAnswer => Environment.TickCount64 >= Volatile.Read(ref _redisDownUntil);

    /// <summary>
    /// Takes the next batch from the shared counter. A Redis failure marks Redis down; anything else reaches the requests awaiting it.
    /// </summary>
    private async Task ReserveAsync(Lease lease, string client, long window, long quota)
    {
        // Called under the lease's lock, which stores the task this returns: nothing of it may finish before that.
        await Task.Yield();
        var started = Environment.TickCount64;
        var batch = Batch(quota);
        long granted = 0, total = -1;
        try
        {
            var db = redis.GetDatabase();
            var key = string.Create(CultureInfo.InvariantCulture, $"gateway:rate:{client}:{window}");
            var increment = db.StringIncrementAsync(key, batch);
            _ = db.KeyExpireAsync(key, CounterLifetime, flags: CommandFlags.FireAndForget);
            total = await increment;
            // What was left of the budget before this batch, up to the batch.
            granted = Math.Clamp(quota - (total - batch), 0, batch);
            Volatile.Write(ref _redisAnsweredAt, Environment.TickCount64);
            if (Interlocked.Exchange(ref _redisDownUntil, 0) != 0)
            {
                logger.RateLimitsInRedis();
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // A reservation sent before Redis last answered failed on the outage that answer ended (its command waited in the
            // client's backlog through it): it does not mark Redis down again, and its requests simply ask again.
            if (Volatile.Read(ref _redisAnsweredAt) <= started
                && Interlocked.Exchange(ref _redisDownUntil, Environment.TickCount64 + (long)RetryRedisAfter.TotalMilliseconds) == 0)
            {
                logger.RateLimitsInMemory(ex);
            }
        }
        finally
        {
            // Whatever happened, the next request may ask again: a reservation that failed otherwise would fail all of them.
            lock (lease)
            {
                if (total >= 0)
                {
                    lease.Unspent += granted;
                    lease.SharedUsed = Math.Min(total, quota);
                    lease.Exhausted = granted < batch;
                }
                lease.Pending = null;
            }
        }
    }

    private long Batch(long quota) => Math.Max(1, quota * Math.Clamp(options.Value.ReservePercent, 0, 100) / 100);

    private long SpendLocally(string client, long window, long known) =>
        _local.AddOrUpdate((client, window), static (_, known) => known + 1, static (_, used, _) => used + 1, known);

    /// <summary>A new minute: the leases and counts of earlier ones are of no use any more.</summary>
    private void ForgetEarlierWindows(long window)
    {
        var seen = Volatile.Read(ref _window);
        if (window <= seen || Interlocked.CompareExchange(ref _window, window, seen) != seen)
        {
            return;
        }
        foreach (var key in _leases.Keys.Where(k => k.Window < window))
        {
            _leases.TryRemove(key, out _);
        }
        foreach (var key in _local.Keys.Where(k => k.Window < window))
        {
            _local.TryRemove(key, out _);
        }
    }

    /// <summary>One client's share of one window's budget on this replica.</summary>
    private sealed class Lease
    {
        /// <summary>Tokens taken from the shared counter and not spent yet.</summary>
        public long Unspent;

        /// <summary>The shared counter (capped at the quota) at this replica's last batch: spent or held by any replica.</summary>
        public long SharedUsed;

        /// <summary>The shared budget is gone for this window: refuse without asking Redis again.</summary>
        public bool Exhausted;

        public Task? Pending;
    }
}
