using System.Net.Http.Json;
using System.Text.Json;
using HubPlatform.Contracts;
using HubPlatform.Crawler.Hub;
using HubPlatform.Lineage.Infrastructure;
using HubPlatform.Metrics.Infrastructure;
using HubPlatform.Search.Infrastructure;
using HubPlatform.Tests.Support;
using MassTransit;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace HubPlatform.Tests.EndToEnd.Integration;

/// <summary>
/// Two replicas of every consumer on one database and one broker, as `Replicas:{service}=2`
/// runs them: they share the pages between them and end with the numbers one replica computes.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class ReplicasTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);
    private static readonly IReadOnlyDictionary<string, HashSet<string>> Parents = IndependentLineage.ParentsByModel(SampleData.SampleModels);
    private readonly PlatformDatabase _database = new();
    private readonly Rabbit _rabbit = new();
    private readonly string _vhost = "replicas-" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<(string Service, ConsumedPages Pages, IAsyncDisposable Host, HttpClient Client)> _replicas = [];
    private IBusControl _bus = null!;

    public async Task InitializeAsync()
    {
        await _database.CreateAsync();
        await _rabbit.CreateVirtualHostAsync(_vhost);
        for (var replica = 0; replica < 2; replica++)
        {
            Add("metrics", pages => new ServiceHost<MetricsDbContext>("metrics", _database, _vhost, configureServices: Count(pages)));
            Add("lineage", pages => new ServiceHost<LineageDbContext>("lineage", _database, _vhost, configureServices: Count(pages)));
            Add("search", pages => new ServiceHost<SearchDbContext>("search", _database, _vhost, configureServices: Count(pages)));
        }
        _bus = Bus.Factory.CreateUsingRabbitMq(rabbit => rabbit.Host(new Uri(TestServers.MessagingFor(_vhost))));
        await _bus.StartAsync();
    }

    [Fact]
    public async Task Two_replicas_of_each_consumer_share_the_work_and_agree_with_one()
    {
        // Small pages, so there is work to share.
        var pages = SampleData.SampleModels.Select(ModelParser.Parse).Chunk(40).ToArray();
        var snapshot = Guid.CreateVersion7();
        var now = DateTimeOffset.UtcNow;
        await _bus.Publish(new SnapshotStarted(snapshot, CrawlKind.Full, now, "test"));
        for (var i = 0; i < pages.Length; i++)
        {
            await _bus.Publish(new ModelsObserved(snapshot, i + 1, now, pages[i]));
        }
        await _bus.Publish(new SnapshotCompleted(snapshot, CrawlKind.Full, now, now, pages.Length, SampleData.SampleModels.Count, 0, 0, 0,
            pages.Length));

        var metrics = Client("metrics");
        await Eventually.GetAsync(() => Json(metrics, $"/api/snapshots/{snapshot}"),
            s => s?.GetProperty("ingestedModels").GetInt64() == SampleData.SampleModels.Count, Patience, "metrics to ingest the sample");
        string[] roots = ["meta-llama/Llama-2-7b-chat-hf", "google/gemma-7b", "microsoft/phi-2"];
        var leaderboard = await Eventually.GetAsync(() => Json(Client("lineage"), "/api/lineage/leaderboard?k=3"),
            l => l?.GetArrayLength() == 3 && l.Value.EnumerateArray().All(f =>
                IndependentLineage.Descendants(Parents, f.GetProperty("baseModelId").GetString()!) == f.GetProperty("descendants").GetInt64()),
            Patience, "the lineage rollup to match an independent walk");
        Assert.Equal(roots.OrderByDescending(r => IndependentLineage.Descendants(Parents, r)),
            leaderboard!.Value.EnumerateArray().Select(f => f.GetProperty("baseModelId").GetString()));
        await Eventually.GetAsync(() => _database.CountAsync("search.documents"), n => n == SampleData.SampleModels.Count, Patience,
            "search documents");

        // Each model stored exactly once, whichever replica took its page.
        Assert.Equal(SampleData.SampleModels.Count, await _database.CountAsync($"metrics.model_facts WHERE snapshot_id = '{snapshot}'"));
        Assert.Equal(Parents.Sum(p => p.Value.Count), await _database.CountAsync("lineage.edges"));
        // Both answers agree, whichever replica the request reaches (a probe parameter per replica
        // keeps the shared response cache from answering for the other one).
        foreach (var service in new[] { "metrics", "lineage" })
        {
            var url = service == "metrics" ? "/api/modelverse/organizations?k=5"
                : "/api/lineage/descendants/microsoft/phi-2?depth=20&limit=1000&sort=downloads";
            var answers = new List<string>();
            foreach (var (replica, i) in _replicas.Where(r => r.Service == service).Select((r, i) => (r, i)))
            {
                answers.Add(await replica.Client.GetStringAsync($"{url}&probe={i}"));
            }
            Assert.Single(answers.Distinct());
        }
        // The work was shared: every replica took some of the pages, and together exactly all of them (none twice).
        foreach (var service in new[] { "metrics", "lineage", "search" })
        {
            var counts = _replicas.Where(r => r.Service == service).Select(r => r.Pages.Count).ToArray();
            Assert.All(counts, c => Assert.True(c > 0, $"a {service} replica took no page: {string.Join(", ", counts)}"));
            Assert.Equal(pages.Length, counts.Sum());
        }
    }

    private void Add<T>(string service, Func<ConsumedPages, WebApplicationFactory<T>> create) where T : class
    {
        var pages = new ConsumedPages();
        var host = create(pages);
        _replicas.Add((service, pages, host, host.CreateClient())); // creating the client starts the replica
    }

    private static Action<IServiceCollection> Count(ConsumedPages pages) => services => services.AddConsumeObserver(_ => pages);

    private HttpClient Client(string service) => _replicas.First(r => r.Service == service).Client;

    private static async Task<JsonElement?> Json(HttpClient http, string url)
    {
        using var response = await http.GetAsync(url);
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : null;
    }

    public async Task DisposeAsync()
    {
        await _bus.StopAsync();
        foreach (var replica in _replicas)
        {
            await replica.Host.DisposeAsync();
        }
        await _rabbit.DeleteVirtualHostAsync(_vhost);
        _rabbit.Dispose();
        await _database.DropAsync();
    }

    /// <summary>How many ModelsObserved pages one replica consumed successfully.</summary>
    private sealed class ConsumedPages : IConsumeObserver
    {
        private int _count;

        public int Count => _count;

        public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

        public Task PostConsume<T>(ConsumeContext<T> context) where T : class
        {
            if (context.Message is ModelsObserved)
            {
                Interlocked.Increment(ref _count);
            }
            return Task.CompletedTask;
        }

        public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Task.CompletedTask;
    }
}
