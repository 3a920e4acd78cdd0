using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using HubPlatform.Lineage.Infrastructure;
using HubPlatform.Metrics.Infrastructure;
using HubPlatform.Search.Infrastructure;
using HubPlatform.Tests.Support;
using Npgsql;
using Xunit.Abstractions;

namespace HubPlatform.Tests.EndToEnd.Integration;

/// <summary>
/// Postgres out of reach of the consumers for three minutes in the middle of a crawl, far longer
/// than their in-memory retries (~21 s): the messages wait in the broker's redelivery queues and the
/// snapshot completes by itself once Postgres is back, each model once in metrics, lineage and search.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class PostgresOutageTests(EmulatorFactory emulator, ITestOutputHelper output) : IClassFixture<EmulatorFactory>
{
    private static readonly TimeSpan Outage = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(4);

    /// <summary>Shorter than the defaults (30 s ... 10 min) so the test ends sooner; together still far beyond the outage.</summary>
    private const string Intervals = "00:00:15,00:00:30,00:01:00,00:02:00,00:05:00";

    [Fact]
    public async Task A_three_minute_Postgres_outage_during_a_crawl_is_outlasted_and_the_snapshot_completes_by_itself_each_model_once()
    {
        var clock = Stopwatch.StartNew();
        var postgres = new NpgsqlConnectionStringBuilder(TestServers.Postgres);
        await using var proxy = new TcpProxy(postgres.Host!, postgres.Port);
        await using var rig = await CrawlerRig.StartAsync(emulator);
        // The consumers reach Postgres through the proxy; the crawler directly (its outage is another test's).
        Dictionary<string, string?> Through(string service) => new()
        {
            ["ConnectionStrings:hubdb"] = new NpgsqlConnectionStringBuilder(rig.Database.For(service)) { Port = proxy.Port }.ConnectionString,
            [Microsoft.Extensions.Hosting.MessageRedelivery.Setting] = Intervals,
        };
        await using var metrics = new ServiceHost<MetricsDbContext>("metrics", rig.Database, rig.VirtualHost, Through("metrics"));
        await using var lineage = new ServiceHost<LineageDbContext>("lineage", rig.Database, rig.VirtualHost, Through("lineage"));
        await using var search = new ServiceHost<SearchDbContext>("search", rig.Database, rig.VirtualHost, Through("search"));
        _ = metrics.CreateClient();
        _ = lineage.CreateClient();
        _ = search.CreateClient();

        // The crawl's first pages reach all three; then Postgres goes away under them.
        rig.Hub.HoldOnPage = 4;
        var snapshot = await rig.RequestCrawlAsync();
        await Eventually.GetAsync(async () => Math.Min(await rig.Database.CountAsync($"metrics.model_facts WHERE snapshot_id = '{snapshot}'"),
                Math.Min(await rig.Database.CountAsync($"lineage.snapshot_pages WHERE snapshot_id = '{snapshot}'"),
                await rig.Database.CountAsync("search.documents"))),
            n => n > 0, TimeSpan.FromMinutes(1), "the first pages stored by metrics, lineage and search");
        proxy.Cut();
        var cutAt = clock.Elapsed;
        output.WriteLine($"{clock.Elapsed}: Postgres cut off from the consumers");
        rig.Hub.ReleaseHeldPage();
        await Eventually.GetAsync<string?>(async () => (await rig.CrawlAsync(snapshot)).GetProperty("status").GetString(),
            s => s == "Completed", TimeSpan.FromMinutes(1), "the crawl to finish (the crawler's Postgres is up)");
        output.WriteLine($"{clock.Elapsed}: crawl completed");

        // Past the in-memory retries, the messages wait in the broker, not in the error queues.
        var waiting = await Eventually.GetAsync(async () => Waiting(await rig.Rabbit.QueuesAsync(rig.VirtualHost)),
            n => n > 0, TimeSpan.FromSeconds(90), "messages in the redelivery queues");
        output.WriteLine($"{clock.Elapsed}: {waiting} messages in the redelivery queues");
        var longest = 0L;
        while (clock.Elapsed - cutAt < Outage)
        {
            var queues = await rig.Rabbit.QueuesAsync(rig.VirtualHost);
            Assert.Empty(Errors(queues));
            longest = Math.Max(longest, Waiting(queues));
            await Task.Delay(TimeSpan.FromSeconds(5));
        }
        proxy.Restore();
        output.WriteLine($"{clock.Elapsed}: Postgres reachable again; at most {longest} messages waited at once");

        var ingested = await Eventually.GetAsync(() => Json(metrics.CreateClient(), $"/api/snapshots/{snapshot}"),
            s => s?.GetProperty("completedAt").ValueKind == JsonValueKind.String
                && s.Value.GetProperty("expectedPages").ValueKind == JsonValueKind.Number
                 && s.Value.GetProperty("ingestedPages").GetInt32() == s.Value.GetProperty("expectedPages").GetInt32(),
            Patience, "metrics to store every page of the snapshot");
        output.WriteLine($"{clock.Elapsed}: metrics ingested the snapshot");
        await Eventually.GetAsync(() => rig.Database.CountAsync($"lineage.snapshot_pages WHERE snapshot_id = '{snapshot}'"),
            n => n == CrawlerRig.ModelPages, Patience, "lineage to apply every page");
        await Eventually.GetAsync(() => rig.Database.CountAsync("search.documents WHERE repo_type = 'model'"),
            n => n == SampleData.SampleModels.Count, Patience, "search to hold every model");
        await Eventually.GetAsync(async () => Waiting(await rig.Rabbit.QueuesAsync(rig.VirtualHost)), n => n == 0, TimeSpan.FromMinutes(1),
            "the redelivery queues to drain");
        output.WriteLine($"{clock.Elapsed}: lineage and search done, redelivery queues empty");

        // Nothing lost, nothing twice.
        var models = SampleData.SampleModels.Count;
        Assert.Equal(models, ingested!.Value.GetProperty("ingestedModels").GetInt64());
        Assert.Equal(models, await rig.Database.CountAsync($"metrics.model_facts WHERE snapshot_id = '{snapshot}'"));
        Assert.Equal(models, await rig.Database.CountAsync("lineage.models WHERE resolved"));
        Assert.Equal(0, await rig.Database.CountAsync("(SELECT model_id, base_model_id FROM lineage.edges GROUP BY 1, 2 HAVING count(*) > 1) twice"));
        Assert.Equal(models, await rig.Database.CountAsync("(SELECT DISTINCT id FROM search.documents WHERE repo_type = 'model') d"));
        Assert.Empty(Errors(await rig.Rabbit.QueuesAsync(rig.VirtualHost)));
    }

    private static long Waiting(Dictionary<string, long> queues) =>
        queues.Where(q => q.Key.StartsWith("hub-redelivery-", StringComparison.Ordinal)).Sum(q => q.Value);

    private static string[] Errors(Dictionary<string, long> queues) =>
        queues.Where(q => q.Key.EndsWith("_error", StringComparison.Ordinal) && q.Value > 0).Select(q => $"{q.Key}: {q.Value}").ToArray();

    private static async Task<JsonElement?> Json(HttpClient http, string url)
    {
        using var response = await http.GetAsync(url);
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : null;
    }
}
