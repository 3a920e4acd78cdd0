using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace HubPlatform.Gateway.Caching;

/// <summary>
/// The output cache in two levels: this replica's memory, then Redis (<see cref="RedisOutputCacheStore"/>, shared by
/// every replica). A cached answer served from memory costs no Redis round trip (a network hop once replicas run on other
/// hosts) and no copy of its body out of Redis.
/// <para>Consistency: an entry stays in memory for <see cref="ReplicaCacheOptions.Lifetime"/> at most, and never past
/// the expiry it has in Redis. Evicting a tag deletes it in Redis, then empties this replica's memory (every entry,
/// whatever its tags: entries read from Redis do not say theirs, and evictions come once per ingested snapshot or
/// lineage page). Every replica evicts when an eviction event reaches it (<c>ReplicaCacheEvictionConsumer</c>), so
/// replicas agree once each has the event; while the broker cannot deliver it, within the lifetime.</para>
/// <para>An entry records the eviction generation it was read in; one read before an eviction and stored after it is
/// never answered, so a request racing the eviction cannot put a stale answer back.</para>
/// </summary>
public sealed class TwoLevelOutputCacheStore : IOutputCacheStore, IDisposable
{
    private static readonly Counter<long> Lookups = HubTelemetry.Meter.CreateCounter<long>(
        "hub.gateway.output_cache.lookups", description: "Output cache lookups by the level that answered: replica, redis or none");

    private readonly RedisOutputCacheStore _shared;
    private readonly MemoryCache? _replica;
    private readonly TimeSpan _lifetime;
    private long _generation;

    public TwoLevelOutputCacheStore(RedisOutputCacheStore shared, IOptions<ReplicaCacheOptions> options)
    {
        _shared = shared;
        _lifetime = options.Value.Lifetime;
        if (options.Value.SizeLimitMegabytes > 0 && _lifetime > TimeSpan.Zero)
        {
            _replica = new MemoryCache(new MemoryCacheOptions { SizeLimit = options.Value.SizeLimitMegabytes * 1024L * 1024L });
        }
    }

    public async ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        if (_replica is null)
        {
            return Counted(await _shared.GetAsync(key, cancellationToken), "redis");
        }
        var generation = Volatile.Read(ref _generation);
        if (_replica.TryGetValue(key, out Entry? entry) && entry!.Generation == generation)
        {
            return Counted(entry.Value, "replica");
        }
        var (value, expiresIn) = await _shared.GetWithExpiryAsync(key);
        if (value is not null)
        {
            Keep(key, value, expiresIn ?? _lifetime, generation);
        }
        return Counted(value, "redis");
    }

    public async ValueTask SetAsync(string key, byte[] value, string[]? tags, TimeSpan validFor, CancellationToken cancellationToken)
    {
        var generation = Volatile.Read(ref _generation);
        await _shared.SetAsync(key, value, tags, validFor, cancellationToken);
        Keep(key, value, validFor, generation);
    }

    /// <summary>Deletes the tag's entries in Redis, then everything in this replica's memory (even when Redis failed).</summary>
    public async ValueTask EvictByTagAsync(string tag, CancellationToken cancellationToken)
    {
        try
        {
            await _shared.EvictByTagAsync(tag, cancellationToken);
        }
        finally
        {
            ForgetReplicaEntries();
        }
    }

    /// <summary>Empties this replica's memory: what it held is answered from Redis (or recomputed) from now on.</summary>
    public void ForgetReplicaEntries()
    {
        Interlocked.Increment(ref _generation);
        _replica?.Clear();
    }

    public void Dispose() => _replica?.Dispose();

    private void Keep(string key, byte[] value, TimeSpan validFor, long generation)
    {
        var lifetime = validFor < _lifetime ? validFor : _lifetime;
        // Read before an eviction that has happened since: it would never be answered, so it takes no memory.
        if (_replica is null || lifetime <= TimeSpan.Zero || generation != Volatile.Read(ref _generation))
        {
            return;
        }
        using var cacheEntry = _replica.CreateEntry(key);
        cacheEntry.Value = new Entry(value, generation);
        cacheEntry.Size = value.Length;
        cacheEntry.AbsoluteExpirationRelativeToNow = lifetime;
    }

    private static byte[]? Counted(byte[]? value, string level)
    {
        Lookups.Add(1, new KeyValuePair<string, object?>("level", value is null ? "none" : level));
        return value;
    }

    private sealed record Entry(byte[] Value, long Generation);
}
