using HubPlatform.Contracts;
using HubPlatform.Crawler.Hub;
using HubPlatform.Metrics.Infrastructure;
using HubPlatform.Tests.Support;
using MassTransit;

namespace HubPlatform.Tests.Metrics.Integration;

/// <summary>
/// Metrics alone on real Postgres, RabbitMQ and Redis, fed two full snapshots a week apart:
/// the real sample's models plus a generated hub's datasets, spaces and author overviews. The
/// second snapshot drops every tenth model, adds renamed copies of a few and doubles phi-2's
/// downloads, so trends and churn have something to show. An hourly incremental crawl after the
/// second one sees a few models again (tripled downloads) and one new microsoft model: it must
/// never stand for "the hub now", and trends must say what kind each point is.
/// </summary>
public sealed class MetricsFixture : IAsyncLifetime
{
    public PlatformDatabase Database { get; } = new();
    public Rabbit Rabbit { get; } = new();
    public string VirtualHost { get; } = "metrics-" + Guid.NewGuid().ToString("N")[..8];
    public ServiceHost<MetricsDbContext> Metrics { get; private set; } = null!;
    public IBusControl Bus { get; private set; } = null!;

    public GeneratedHubEvents Hub { get; } = new();

    public static DateTimeOffset FirstAt { get; } = GeneratedHubEvents.Now;
    public static DateTimeOffset SecondAt { get; } = GeneratedHubEvents.Now.AddDays(7);
    public static DateTimeOffset IncrementalAt { get; } = SecondAt.AddHours(1);

    /// <summary>The model only the incremental crawl saw.</summary>
    public const string NewInIncremental = "microsoft/seen-first-by-an-incremental-crawl";

    public IReadOnlyList<ModelObservation> FirstModels { get; } = SampleData.SampleModels.Select(ModelParser.Parse).ToArray();
    public IReadOnlyList<ModelObservation> SecondModels { get; private set; } = [];
    public IReadOnlyList<ModelObservation> IncrementalModels { get; private set; } = [];
    public Guid First { get; private set; }
    public Guid Second { get; private set; }
    public Guid Incremental { get; private set; }

    public async Task InitializeAsync()
    {
        await Database.CreateAsync();
        await Rabbit.CreateVirtualHostAsync(VirtualHost);
        Metrics = new ServiceHost<MetricsDbContext>("metrics", Database, VirtualHost,
            new Dictionary<string, string?> { [Microsoft.Extensions.Hosting.AdminKey.Setting] = TestAdminKey.Value });
        _ = Metrics.CreateClient();
        Bus = MassTransit.Bus.Factory.CreateUsingRabbitMq(rabbit => rabbit.Host(new Uri(TestServers.MessagingFor(VirtualHost))));
        await Bus.StartAsync();

        SecondModels = FirstModels.Where((_, i) => i % 10 != 0)
            .Select(m => m.Id == "microsoft/phi-2" ? m with { Downloads = m.Downloads * 2 } : m)
            .Concat(FirstModels.Take(5).Select(m => m with { Id = m.Id + "-v2" }))
            .ToArray();
        First = await PublishSnapshotAsync(FirstModels, FirstAt);
        Second = await PublishSnapshotAsync(SecondModels, SecondAt);
        var firstIds = FirstModels.Select(m => m.Id).ToHashSet();
        IncrementalModels = SecondModels.Where(m => m.Id != "microsoft/phi-2" && firstIds.Contains(m.Id)).Take(3)
            .Select(m => m with { Downloads = m.Downloads * 3 })
            .Append(SecondModels[0] with { Id = NewInIncremental })
            .ToArray();
        Incremental = await PublishIncrementalAsync(IncrementalModels, IncrementalAt);
        var metrics = Metrics.CreateClient();
        foreach (var snapshot in new[] { First, Second, Incremental })
        {
            await Eventually.GetAsync(async () => await metrics.GetStringAsync($"/api/snapshots/{snapshot}"),
                s => s.Contains("\"completedAt\":\"") && PagesDone(s), TimeSpan.FromMinutes(3), $"metrics to ingest snapshot {snapshot}");
        }
    }

    private static bool PagesDone(string json)
    {
        var doc = System.Text.Json.JsonDocument.Parse(json).RootElement;
        return doc.GetProperty("expectedPages").ValueKind == System.Text.Json.JsonValueKind.Number
               && doc.GetProperty("ingestedPages").GetInt32() == doc.GetProperty("expectedPages").GetInt32();
    }

    /// <summary>Every page of a snapshot, numbered in one crawl-wide sequence as the crawler does.</summary>
    public IReadOnlyList<object> Pages(Guid snapshot, IReadOnlyList<ModelObservation> models, DateTimeOffset at)
    {
        var page = 0;
        var pages = new List<object>();
        pages.AddRange(models.Chunk(250).Select(c => new ModelsObserved(snapshot, ++page, at, c)));
        pages.AddRange(Hub.Datasets.Chunk(200).Select(c => new DatasetsObserved(snapshot, ++page, at, c)));
        pages.AddRange(Hub.Spaces.Chunk(200).Select(c => new SpacesObserved(snapshot, ++page, at, c)));
        pages.AddRange(Hub.Overviews.Chunk(100).Select(c => new OrganizationsObserved(snapshot, ++page, at, c)));
        return pages;
    }

    public async Task<Guid> PublishSnapshotAsync(IReadOnlyList<ModelObservation> models, DateTimeOffset at)
    {
        var id = Guid.CreateVersion7(at);
        await Bus.Publish(new SnapshotStarted(id, CrawlKind.Full, at, "test"));
        var pages = Pages(id, models, at);
        foreach (var page in pages)
        {
            await Bus.Publish(page, page.GetType());
        }
        int Count<T>() => pages.Count(p => p is T);
        await Bus.Publish(new SnapshotCompleted(id, CrawlKind.Full, at, at, pages.Count, models.Count, Hub.Datasets.Count, Hub.Spaces.Count, 0,
            Count<ModelsObserved>(), Count<DatasetsObserved>(), Count<SpacesObserved>(), Count<OrganizationsObserved>()));
        return id;
    }

    /// <summary>An incremental crawl as the crawler's hourly job publishes it: model pages only.</summary>
    private async Task<Guid> PublishIncrementalAsync(IReadOnlyList<ModelObservation> models, DateTimeOffset at)
    {
        var id = Guid.CreateVersion7(at);
        await Bus.Publish(new SnapshotStarted(id, CrawlKind.Incremental, at, "test"));
        var page = 0;
        var pages = models.Chunk(2).Select(c => new ModelsObserved(id, ++page, at, c)).ToList();
        foreach (var p in pages)
        {
            await Bus.Publish(p);
        }
        await Bus.Publish(new SnapshotCompleted(id, CrawlKind.Incremental, at, at, pages.Count, models.Count, 0, 0, 0, pages.Count, 0, 0, 0));
        return id;
    }

    public async Task DisposeAsync()
    {
        await Bus.StopAsync();
        await Metrics.DisposeAsync();
        await Rabbit.DeleteVirtualHostAsync(VirtualHost);
        Rabbit.Dispose();
        await Database.DropAsync();
    }
}
