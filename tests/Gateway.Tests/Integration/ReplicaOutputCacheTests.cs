using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using HubPlatform.Contracts;
using HubPlatform.Gateway.Caching;
using HubPlatform.Tests.Support;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace HubPlatform.Tests.Gateway.Integration;

/// <summary>
/// The output cache's first level, each replica's memory in front of Redis (real Redis and RabbitMQ): answered without
/// Redis while fresh, never past the entry's own expiry, and emptied on every replica by the eviction events.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class ReplicaOutputCacheTests : IAsyncLifetime
{
    private static readonly byte[] Answer = [1, 2, 3, 4];
    private readonly PlatformDatabase _database = new();
    private readonly Rabbit _rabbit = new();
    private readonly string _vhost = "replica-cache-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _key = "test-" + Guid.NewGuid().ToString("N");
    private ConnectionMultiplexer _redis = null!;
    private WebApplication _metrics = null!;
    private int _version = 1;

    public async Task InitializeAsync()
    {
        await _rabbit.CreateVirtualHostAsync(_vhost);
        _redis = await ConnectionMultiplexer.ConnectAsync(TestServers.Redis);
        // A stand-in for the metrics service whose answers say which data they were computed from.
        var echo = WebApplication.CreateSlimBuilder();
        echo.WebHost.UseUrls("http://127.0.0.1:0");
        _metrics = echo.Build();
        _metrics.MapGet("/{**path}", (HttpRequest request) => Results.Ok(new { path = request.Path.Value, version = Volatile.Read(ref _version) }));
        await _metrics.StartAsync();
    }

    [Fact]
    public async Task A_fresh_entry_is_answered_from_memory_without_Redis_until_its_lifetime_ends()
    {
        using var store = Store(TimeSpan.FromSeconds(1));
        await store.SetAsync(_key, Answer, ["metrics"], TimeSpan.FromMinutes(30), default);
        // Gone from Redis behind the store's back: only its memory can answer now.
        await _redis.GetDatabase().KeyDeleteAsync("gateway:oc:" + _key);
        Assert.Equal(Answer, await store.GetAsync(_key, default));

        await Task.Delay(TimeSpan.FromSeconds(1.3));
        Assert.Null(await store.GetAsync(_key, default));
    }

    [Fact]
    public async Task Memory_never_outlives_the_entry_s_own_expiry_stored_here_or_read_from_Redis()
    {
        using var writer = Store(TimeSpan.FromMinutes(10));
        using var reader = Store(TimeSpan.FromMinutes(10));
        // Long enough for a busy machine to read it back in time, short against the memory's ten minutes.
        await writer.SetAsync(_key, Answer, ["metrics"], TimeSpan.FromSeconds(2), default);
        // The other replica reads it from Redis, with the time it has left there.
        Assert.Equal(Answer, await reader.GetAsync(_key, default));
        Assert.Equal(Answer, await writer.GetAsync(_key, default));

        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.Null(await writer.GetAsync(_key, default));
        Assert.Null(await reader.GetAsync(_key, default));
    }

    [Fact]
    public async Task Evicting_a_tag_empties_memory_as_well_as_Redis()
    {
        using var store = Store(TimeSpan.FromMinutes(10));
        await store.SetAsync(_key, Answer, ["metrics"], TimeSpan.FromMinutes(30), default);
        Assert.Equal(Answer, await store.GetAsync(_key, default));

        await store.EvictByTagAsync("metrics", default);
        Assert.Null(await store.GetAsync(_key, default));
        Assert.False(await _redis.GetDatabase().KeyExistsAsync("gateway:oc:" + _key));
    }

    /// <summary>
    /// Two gateway replicas whose memories would keep the old answer for ten minutes: the event empties both, well within the
    /// bound the docs state (the event's delivery; the memory's lifetime only when an event is lost).
    /// </summary>
    [Fact]
    public async Task Two_replicas_answer_from_memory_and_neither_answers_stale_once_a_snapshot_is_ingested()
    {
        await using var first = Gateway();
        await using var second = Gateway();
        var clients = new[] { first.CreateClient(), second.CreateClient() };
        const string url = "/api/v1/modelverse/organizations?metric=downloads&k=20";
        foreach (var client in clients)
        {
            Assert.Equal(1, await VersionAsync(client, url));
        }
        Interlocked.Exchange(ref _version, 2);
        // Redis's copy deleted behind the gateways' backs: each answers the old version from its own memory.
        var db = _redis.GetDatabase(DatabaseOf(first));
        var server = _redis.GetServer(_redis.GetEndPoints()[0]);
        foreach (var key in server.Keys(DatabaseOf(first), "gateway:oc:*").ToArray())
        {
            await db.KeyDeleteAsync(key);
        }
        foreach (var client in clients)
        {
            Assert.Equal(1, await VersionAsync(client, url));
        }

        var published = Stopwatch.StartNew();
        await first.Services.GetRequiredService<IBus>().Publish(new SnapshotIngested(Guid.NewGuid(), CachePolicies.Metrics, DateTimeOffset.UtcNow));
        foreach (var client in clients)
        {
            await Eventually.GetAsync(() => VersionAsync(client, url), version => version == 2, TimeSpan.FromSeconds(10),
                "the new snapshot's answer");
        }
        Assert.True(published.Elapsed < TimeSpan.FromSeconds(10), $"both replicas answered fresh after {published.Elapsed}");
        // And they stay fresh: nothing put the old answer back.
        foreach (var client in clients)
        {
            Assert.Equal(2, await VersionAsync(client, url));
        }
    }

    private static async Task<int> VersionAsync(HttpClient client, string url) =>
        (await client.GetFromJsonAsync<JsonElement>(url)).GetProperty("version").GetInt32();

    private static int DatabaseOf(ServiceHost<RedisOutputCacheStore> gateway) =>
        gateway.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase().Database;

    private TwoLevelOutputCacheStore Store(TimeSpan lifetime) =>
        new(new RedisOutputCacheStore(_redis, NullLogger<RedisOutputCacheStore>.Instance),
            Options.Create(new ReplicaCacheOptions { Lifetime = lifetime }));

    private ServiceHost<RedisOutputCacheStore> Gateway() => new("gateway", _database, _vhost, new Dictionary<string, string?>
    {
        ["Gateway:AdminApiKey"] = "the-key",
        ["Gateway:OutputCache:Replica:Lifetime"] = "00:10:00",
        ["Services:metrics:http:0"] = _metrics.Urls.Single(),
    });

    public async Task DisposeAsync()
    {
        await _metrics.DisposeAsync();
        await _redis.DisposeAsync();
        await _rabbit.DeleteVirtualHostAsync(_vhost);
        _rabbit.Dispose();
    }
}
