using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HubPlatform.Contracts;
using HubPlatform.Gateway.Caching;
using HubPlatform.Metrics.Infrastructure;
using HubPlatform.Tests.Support;
using MassTransit;
using Npgsql;

namespace HubPlatform.Tests.Gateway.Integration;

/// <summary>
/// A page that metrics could not store (its database refused the writes past every retry) waits in
/// the error queue with its reason; once the cause is fixed, the gateway's admin route replays it
/// and it is stored, once.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class DeadLetterReplayTests : IAsyncLifetime
{
    private const string Key = "replay-key";
    private const string Queue = "metrics-models-observed";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly PlatformDatabase _database = new();
    private readonly Rabbit _rabbit = new();
    private readonly string _vhost = "replay-" + Guid.NewGuid().ToString("N")[..8];
    private ServiceHost<MetricsDbContext> _metrics = null!;
    private ServiceHost<RedisOutputCacheStore> _gateway = null!;
    private IBusControl _bus = null!;

    public async Task InitializeAsync()
    {
        await _database.CreateAsync();
        await _rabbit.CreateVirtualHostAsync(_vhost);
        _metrics = new ServiceHost<MetricsDbContext>("metrics", _database, _vhost);
        _ = _metrics.CreateClient();
        _gateway = new ServiceHost<RedisOutputCacheStore>("gateway", _database, _vhost,
            new Dictionary<string, string?> { ["Gateway:AdminApiKey"] = Key });
        _bus = Bus.Factory.CreateUsingRabbitMq(rabbit => rabbit.Host(new Uri(TestServers.MessagingFor(_vhost))));
        await _bus.StartAsync();
    }

    [Fact]
    public async Task A_dead_lettered_page_is_replayed_through_the_admin_route_after_the_fix()
    {
        var first = ConsumersFixture.SamplePages[0];
        var second = ConsumersFixture.SamplePages[1];
        var snapshot = Guid.NewGuid();
        await _bus.Publish(new SnapshotStarted(snapshot, CrawlKind.Full, DateTimeOffset.UtcNow, "test"));
        await _bus.Publish(new ModelsObserved(snapshot, 1, DateTimeOffset.UtcNow, first));
        await Eventually.GetAsync(() => _database.CountAsync("metrics.models"), n => n == first.Length, Patience, "the first page");

        // The fault: metrics' role loses its write privileges, so the second page fails every retry.
        await AdminAsync("REVOKE INSERT, UPDATE ON ALL TABLES IN SCHEMA metrics FROM hub_metrics");
        await _bus.Publish(new ModelsObserved(snapshot, 2, DateTimeOffset.UtcNow, second));
        await Eventually.GetAsync(() => _rabbit.MessagesAsync(_vhost, Queue + "_error"), n => n == 1, Patience, "the page to be dead-lettered");

        var admin = _gateway.CreateClient();
        admin.DefaultRequestHeaders.Add("X-Api-Key", Key);
        var summary = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/admin/dead-letters/{Queue}");
        Assert.Equal(1, summary.GetProperty("messages").GetInt32());
        Assert.Contains("permission denied", summary.GetProperty("sample")[0].GetProperty("reason").GetString());
        Assert.Contains("ModelsObserved", summary.GetProperty("sample")[0].GetProperty("messageType").GetString());
        Assert.Equal(1, (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/admin/dead-letters/{Queue}")).GetProperty("messages")
            .GetInt32()); // peeking took nothing

        // Without the key the route is closed; a bad queue name is a 400.
        Assert.Equal(HttpStatusCode.Unauthorized, (await _gateway.CreateClient().PostAsync($"/api/v1/admin/dead-letters/{Queue}/replay", null))
            .StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsync("/api/v1/admin/dead-letters/Metrics;DROP/replay", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync("/api/v1/admin/dead-letters/no-such-queue/replay", null)).StatusCode);

        // The fix, then the replay: the page is stored, the error queue is empty.
        await AdminAsync("GRANT INSERT, UPDATE ON ALL TABLES IN SCHEMA metrics TO hub_metrics");
        using var replay = await admin.PostAsync($"/api/v1/admin/dead-letters/{Queue}/replay", null);
        var replayed = await replay.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, replayed.GetProperty("replayed").GetInt32());
        Assert.Equal(0, replayed.GetProperty("remaining").GetInt32());
        await Eventually.GetAsync(() => _database.CountAsync("metrics.models"), n => n == first.Length + second.Length, Patience,
            "the replayed page");
        // The management API's numbers lag a few seconds behind the broker.
        await Eventually.GetAsync(() => _rabbit.MessagesAsync(_vhost, Queue + "_error"), n => n == 0, Patience, "the error queue to be empty");

        // Replaying again finds nothing and changes nothing.
        var again = await (await admin.PostAsync($"/api/v1/admin/dead-letters/{Queue}/replay", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, again.GetProperty("replayed").GetInt32());
        Assert.Equal(first.Length + second.Length, await _database.CountAsync("metrics.models"));
    }

    private async Task AdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_database.Admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        await _bus.StopAsync();
        await _gateway.DisposeAsync();
        await _metrics.DisposeAsync();
        await _rabbit.DeleteVirtualHostAsync(_vhost);
        _rabbit.Dispose();
        await _database.DropAsync();
    }
}
