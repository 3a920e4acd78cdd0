using System.Net.Http.Json;
using System.Text.Json;
using HubPlatform.Metrics.Infrastructure;
using HubPlatform.Tests.Support;
using Xunit.Abstractions;

namespace HubPlatform.Tests.Crawler.Integration;

/// <summary>
/// The broker itself killed during a crawl and started again: a RabbitMQ of the test's own (the
/// shared one serves the other classes), its Erlang VM SIGKILLed while the crawler is between two
/// pages, restarted on the same data folder and port once the crawl has finished into the outbox.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class BrokerRestartTests(EmulatorFactory emulator, ITestOutputHelper output) : IClassFixture<EmulatorFactory>
{
    private const int PagesBeforeTheCrash = 4;

    [Fact]
    public async Task RabbitMQ_killed_and_restarted_during_a_crawl_loses_no_page_and_stores_every_model_once()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var broker = await PrivateRabbitMq.StartAsync();
        output.WriteLine($"{clock.Elapsed}: broker up");
        await using var rig = await CrawlerRig.StartAsync(emulator, broker: broker.Messaging);
        // Metrics on the same broker: the idempotent consumer that must end with each model once.
        await using var metrics = new ServiceHost<MetricsDbContext>("metrics", rig.Database, rig.VirtualHost, messaging: broker.Messaging.ToString());
        _ = metrics.CreateClient();

        rig.Hub.HoldOnPage = PagesBeforeTheCrash + 1;
        var snapshot = await rig.RequestCrawlAsync();
        await Eventually.GetAsync(() => Task.FromResult<int?>(rig.Observer.PagesOf(snapshot).Select(p => p.Page).Distinct().Count()),
            n => n == PagesBeforeTheCrash, TimeSpan.FromMinutes(1), $"the first {PagesBeforeTheCrash} pages downstream");

        output.WriteLine($"{clock.Elapsed}: {PagesBeforeTheCrash} pages downstream, killing the broker");
        await broker.CrashAsync();
        rig.Hub.ReleaseHeldPage();
        // The crawl goes on without the broker: its pages and its completion wait in the outbox.
        await Eventually.GetAsync<string?>(async () => (await rig.CrawlAsync(snapshot)).GetProperty("status").GetString(),
            s => s == "Completed", TimeSpan.FromMinutes(1), "the crawl to finish while the broker is down");
        var waiting = await rig.Database.CountAsync("crawler.outbox WHERE sent_at IS NULL");
        Assert.True(waiting >= CrawlerRig.ModelPages - PagesBeforeTheCrash + 1, $"only {waiting} events waiting in the outbox");
        Assert.DoesNotContain(rig.Observer.PagesOf(snapshot), p => p.Page > PagesBeforeTheCrash);

        output.WriteLine($"{clock.Elapsed}: crawl completed into the outbox, starting the broker again");
        await broker.StartAgainAsync();
        output.WriteLine($"{clock.Elapsed}: broker up again");
        await rig.WaitForCompletionAsync(snapshot);
        output.WriteLine($"{clock.Elapsed}: SnapshotCompleted downstream");
        // The relay marks a batch sent once the broker has confirmed it, so the completion can be downstream a moment before its
        // own row and its batch's are marked (seen once: 14 rows still unmarked when the completion arrived): every row must be soon.
        await Eventually.GetAsync(() => rig.Database.CountAsync("crawler.outbox WHERE sent_at IS NULL"), n => n == 0,
            TimeSpan.FromSeconds(30), "every outbox row marked sent");

        // Nothing lost: every page of the crawl arrived; nothing duplicated: each page is one message
        // (a page the outbox sent again keeps its MessageId), and its models appear on no other page.
        var deliveries = rig.Observer.Pages.Where(p => p.Page.SnapshotId == snapshot).ToArray();
        var messages = deliveries.DistinctBy(p => p.MessageId).ToArray();
        output.WriteLine($"{deliveries.Length} deliveries of {messages.Length} distinct page messages; {waiting} events waited in the outbox");
        Assert.Equal(CrawlerRig.ModelPages, messages.Length);
        Assert.Equal(Enumerable.Range(1, CrawlerRig.ModelPages), messages.Select(p => p.Page.Page).Order());
        Assert.All(deliveries.GroupBy(p => p.MessageId), g => Assert.Single(g.Select(p => p.Page.Page).Distinct()));
        var ids = messages.SelectMany(p => p.Page.Models).Select(m => m.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(SampleData.SampleModels.Select(m => m.GetProperty("id").GetString()!).Order(StringComparer.Ordinal),
            ids.Order(StringComparer.Ordinal));
        Assert.Single(rig.Observer.Completed.Where(c => c.SnapshotId == snapshot).Select(c => c.Pages).Distinct());

        // The consumer, whatever it was delivered, stored every model once.
        var ingested = await Eventually.GetAsync(() => Json(metrics.CreateClient(), $"/api/snapshots/{snapshot}"),
            s => s?.GetProperty("completedAt").ValueKind == JsonValueKind.String
                && s.Value.GetProperty("expectedPages").ValueKind == JsonValueKind.Number
                 && s.Value.GetProperty("ingestedPages").GetInt32() == s.Value.GetProperty("expectedPages").GetInt32(),
            TimeSpan.FromMinutes(2), "metrics to store every page of the snapshot");
        output.WriteLine($"{clock.Elapsed}: metrics ingested the snapshot");
        Assert.Equal(SampleData.SampleModels.Count, ingested!.Value.GetProperty("ingestedModels").GetInt64());
        Assert.Equal(SampleData.SampleModels.Count, await rig.Database.CountAsync($"metrics.model_facts WHERE snapshot_id = '{snapshot}'"));
    }

    private static async Task<JsonElement?> Json(HttpClient http, string url)
    {
        using var response = await http.GetAsync(url);
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : null;
    }
}
