using HubPlatform.Contracts;
using HubPlatform.Crawler.Hub;
using HubPlatform.Lineage.Infrastructure;
using HubPlatform.Metrics.Infrastructure;
using HubPlatform.Search.Infrastructure;
using HubPlatform.Tests.Support;
using MassTransit;

namespace HubPlatform.Tests.Support;

/// <summary>
/// Metrics, lineage and search in-process on real Postgres, RabbitMQ and Redis, and a bus to
/// publish events to them as the crawler would.
/// </summary>
public sealed class ConsumersFixture : IAsyncLifetime
{
    public PlatformDatabase Database { get; } = new();
    public Rabbit Rabbit { get; } = new();
    public string VirtualHost { get; } = "consumers-" + Guid.NewGuid().ToString("N")[..8];
    public ServiceHost<MetricsDbContext> Metrics { get; private set; } = null!;
    public ServiceHost<LineageDbContext> Lineage { get; private set; } = null!;
    public ServiceHost<SearchDbContext> Search { get; private set; } = null!;
    public IBusControl Bus { get; private set; } = null!;

    /// <summary>The real sample as the crawler would publish it: parsed, in pages of 250.</summary>
    public static IReadOnlyList<ModelObservation[]> SamplePages { get; } =
        SampleData.SampleModels.Select(ModelParser.Parse).Chunk(250).ToArray();

    public async Task InitializeAsync()
    {
        await Database.CreateAsync();
        await Rabbit.CreateVirtualHostAsync(VirtualHost);
        Metrics = new ServiceHost<MetricsDbContext>("metrics", Database, VirtualHost);
        Lineage = new ServiceHost<LineageDbContext>("lineage", Database, VirtualHost);
        Search = new ServiceHost<SearchDbContext>("search", Database, VirtualHost);
        // Creating a client starts the host: migrations run, consumers bind their queues.
        _ = Metrics.CreateClient();
        _ = Lineage.CreateClient();
        _ = Search.CreateClient();
        Bus = MassTransit.Bus.Factory.CreateUsingRabbitMq(rabbit => rabbit.Host(new Uri(TestServers.MessagingFor(VirtualHost))));
        await Bus.StartAsync();
    }

    /// <summary>Publishes a whole snapshot: started, its pages, completed.</summary>
    public async Task<Guid> PublishSnapshotAsync(IReadOnlyList<ModelObservation[]> pages, DateTimeOffset observedAt)
    {
        var id = Guid.CreateVersion7(observedAt);
        await Bus.Publish(new SnapshotStarted(id, CrawlKind.Full, observedAt, "test"));
        for (var i = 0; i < pages.Count; i++)
        {
            await Bus.Publish(new ModelsObserved(id, i + 1, observedAt, pages[i]));
        }
        await Bus.Publish(new SnapshotCompleted(id, CrawlKind.Full, observedAt, observedAt, pages.Count, pages.Sum(p => p.Length), 0, 0, 0,
            pages.Count));
        return id;
    }

    public async Task DisposeAsync()
    {
        await Bus.StopAsync();
        await Metrics.DisposeAsync();
        await Lineage.DisposeAsync();
        await Search.DisposeAsync();
        await Rabbit.DeleteVirtualHostAsync(VirtualHost);
        Rabbit.Dispose();
        await Database.DropAsync();
    }
}
