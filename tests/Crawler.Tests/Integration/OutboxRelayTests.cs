using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using HubPlatform.Contracts;
using HubPlatform.Crawler.Crawling;
using HubPlatform.Gateway.Caching;
using HubPlatform.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace HubPlatform.Tests.Crawler.Integration;

/// <summary>
/// Outbox rows that cannot be published (an unknown event type, an unreadable payload, a JSON
/// null) put at the head of the outbox's line, ahead of a whole crawl: they must not hold it.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class OutboxRelayTests(EmulatorFactory emulator) : IClassFixture<EmulatorFactory>
{
    private const int MaxAttempts = 3;

    [Fact]
    public async Task Rows_that_cannot_be_published_are_moved_aside_after_N_tries_listed_and_replayable_while_the_crawl_flows()
    {
        var movedAside = new List<string>();
        using var meter = new MeterListener();
        meter.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == HubTelemetry.MeterName && instrument.Name == "hub.crawler.outbox.moved_aside")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        meter.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            lock (movedAside)
            {
                movedAside.Add(tags.ToArray().Single(t => t.Key == "event.type").Value!.ToString()!);
            }
        });
        meter.Start();

        await using var rig = await CrawlerRig.StartAsync(emulator,
            settings: new Dictionary<string, string?> { ["Crawler:OutboxMaxAttempts"] = MaxAttempts.ToString(CultureInfo.InvariantCulture) });
        // A page of an event type this crawler does not know (one a newer crawler wrote, say), a
        // payload cut short, and a JSON null: each fails every try, for a reason of its own.
        var stray = new ModelsObserved(Guid.CreateVersion7(), 1, DateTimeOffset.UtcNow, ConsumersFixture.SamplePages[0][..3]);
        var strayRow = Outbox.Message(stray, DateTimeOffset.UtcNow);
        var unknown = await InsertAsync(rig, strayRow.MessageId, "ModelsObservedV2", strayRow.Payload);
        var cut = await InsertAsync(rig, Guid.NewGuid(), nameof(ModelsObserved), Encoding.UTF8.GetBytes("{\"SnapshotId\":\"0199"));
        var nothing = await InsertAsync(rig, Guid.NewGuid(), nameof(SnapshotCompleted), Encoding.UTF8.GetBytes("null"));

        // Behind them, a whole crawl: it reaches the consumers, each page once.
        var snapshot = await rig.RequestCrawlAsync();
        await rig.WaitForCompletionAsync(snapshot);
        var pages = rig.Observer.Pages.Where(p => p.Page.SnapshotId == snapshot).ToArray();
        Assert.Equal(Enumerable.Range(1, CrawlerRig.ModelPages), pages.DistinctBy(p => p.MessageId).Select(p => p.Page.Page).Order());
        Assert.Equal(0, await rig.Database.CountAsync($"crawler.outbox WHERE {HubPlatform.Crawler.Infrastructure.CrawlerDbContext.OutboxPending}"));

        // The three are moved aside after exactly N tries each, counted, and listed for an admin only.
        var failed = await Eventually.GetAsync(async () => await rig.Api.GetFromJsonAsync<JsonElement>("/api/admin/outbox/failed"),
            f => f.GetProperty("total").GetInt64() == 3, TimeSpan.FromSeconds(30), "three rows moved aside");
        var events = failed.GetProperty("events").EnumerateArray().ToDictionary(e => e.GetProperty("id").GetInt64());
        Assert.Equal([unknown, cut, nothing], events.Keys.Order());
        Assert.All(events.Values, e => Assert.Equal(MaxAttempts, e.GetProperty("attempts").GetInt32()));
        Assert.All(events.Values, e => Assert.Equal(JsonValueKind.String, e.GetProperty("failedAt").ValueKind));
        Assert.Contains("Unknown event type ModelsObservedV2", events[unknown].GetProperty("lastError").GetString());
        Assert.StartsWith("JsonException", events[cut].GetProperty("lastError").GetString());
        Assert.Contains("JSON null", events[nothing].GetProperty("lastError").GetString());
        Assert.Equal(strayRow.Payload.Length, events[unknown].GetProperty("payloadBytes").GetInt64());
        lock (movedAside)
        {
            Assert.Equal(["ModelsObserved", "ModelsObservedV2", "SnapshotCompleted"], movedAside.Order());
        }
        Assert.DoesNotContain(rig.Observer.Pages, p => p.MessageId == strayRow.MessageId);
        using (var anonymous = rig.CreateAnonymousApi())
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/admin/outbox/failed")).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync($"/api/admin/outbox/failed/{unknown}/replay", null)).StatusCode);
        }

        // The cause fixed (here: the type renamed to one the crawler knows), the replay sends it, once, with its MessageId.
        await ExecuteAsync(rig, $"UPDATE crawler.outbox SET message_type = 'ModelsObserved' WHERE id = {unknown}");
        using (var replay = await rig.Api.PostAsync($"/api/admin/outbox/failed/{unknown}/replay", null))
        {
            replay.EnsureSuccessStatusCode();
            Assert.Equal(1, (await replay.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("replayed").GetInt32());
        }
        await Eventually.GetAsync(() => Task.FromResult<int?>(rig.Observer.Pages.Count(p => p.MessageId == strayRow.MessageId)),
            n => n == 1, TimeSpan.FromSeconds(30), "the replayed page downstream");
        Assert.Equal(stray.Models.Select(m => m.Id), rig.Observer.Pages.Single(p => p.MessageId == strayRow.MessageId).Page.Models.Select(m => m.Id));
        await Eventually.GetAsync(() => rig.Database.CountAsync($"crawler.outbox WHERE id = {unknown} AND sent_at IS NOT NULL"), n => n == 1,
            TimeSpan.FromSeconds(10), "the replayed row marked sent");
        var left = await rig.Api.GetFromJsonAsync<JsonElement>("/api/admin/outbox/failed");
        Assert.Equal(2, left.GetProperty("total").GetInt64());

        // Sent is not failed: no replay. Replaying the rest, still broken, moves them aside again after N more tries.
        using (var again = await rig.Api.PostAsync($"/api/admin/outbox/failed/{unknown}/replay", null))
        {
            Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
            Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);
        }
        using (var all = await rig.Api.PostAsync("/api/admin/outbox/failed/replay", null))
        {
            Assert.Equal(2, (await all.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("replayed").GetInt32());
        }
        await Eventually.GetAsync(async () => await rig.Api.GetFromJsonAsync<JsonElement>("/api/admin/outbox/failed"),
            f => f.GetProperty("total").GetInt64() == 2 && f.GetProperty("events").EnumerateArray()
                .All(e => e.GetProperty("attempts").GetInt32() == MaxAttempts),
            TimeSpan.FromSeconds(30), "the two still broken rows moved aside again");
        Assert.Equal(CrawlerRig.ModelPages, rig.Observer.Pages.Where(p => p.Page.SnapshotId == snapshot).DistinctBy(p => p.MessageId).Count());
    }

    [Fact]
    public async Task The_gateway_routes_the_outbox_admin_routes_to_the_crawler_and_requires_the_key()
    {
        var database = new PlatformDatabase();
        using var rabbit = new Rabbit();
        var vhost = "gateway-" + Guid.NewGuid().ToString("N")[..8];
        await rabbit.CreateVirtualHostAsync(vhost);
        // A stand-in for the crawler that echoes the path and method it was asked for.
        var echo = WebApplication.CreateSlimBuilder();
        echo.WebHost.UseUrls("http://127.0.0.1:0");
        await using var crawler = echo.Build();
        crawler.Map("/{**path}", (HttpRequest request) => Results.Ok(new { path = request.Path.Value, method = request.Method }));
        await crawler.StartAsync();
        try
        {
            await using var gateway = new ServiceHost<RedisOutputCacheStore>("gateway", database, vhost, new Dictionary<string, string?>
            {
                ["Gateway:AdminApiKey"] = "the-key",
                ["Services:crawler:http:0"] = crawler.Urls.Single(),
            });
            var http = gateway.CreateClient();
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/v1/admin/outbox/failed")).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsync("/api/v1/admin/outbox/failed/7/replay", null)).StatusCode);
            http.DefaultRequestHeaders.Add("X-Api-Key", "the-key");
            var listed = await http.GetFromJsonAsync<JsonElement>("/api/v1/admin/outbox/failed?limit=5");
            Assert.Equal("/api/admin/outbox/failed", listed.GetProperty("path").GetString());
            using var replay = await http.PostAsync("/api/v1/admin/outbox/failed/7/replay", null);
            var replayed = await replay.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(("/api/admin/outbox/failed/7/replay", "POST"),
                (replayed.GetProperty("path").GetString(), replayed.GetProperty("method").GetString()));
        }
        finally
        {
            await rabbit.DeleteVirtualHostAsync(vhost);
        }
    }

    private static async Task<long> InsertAsync(CrawlerRig rig, Guid messageId, string type, byte[] payload)
    {
        await using var connection = new NpgsqlConnection(rig.Database.Admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            INSERT INTO crawler.outbox (message_id, message_type, payload, created_at, attempts)
            VALUES (@id, @type, @payload, now(), 0) RETURNING id
            """, connection);
        command.Parameters.AddWithValue("id", messageId);
        command.Parameters.AddWithValue("type", type);
        command.Parameters.AddWithValue("payload", payload);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(CrawlerRig rig, string sql)
    {
        await using var connection = new NpgsqlConnection(rig.Database.Admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
