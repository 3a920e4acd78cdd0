using System.Collections.Concurrent;
using System.Text.Json;
using HubPlatform.Contracts;
using HubPlatform.Lineage.Infrastructure;
using HubPlatform.Tests.Support;
using MassTransit;

namespace HubPlatform.Tests.Lineage.Integration;

/// <summary>
/// The lineage service alone, in-process on the real servers (its own database and RabbitMQ
/// virtual host per test class), and a bus to publish a generated hub's snapshots to it.
/// </summary>
public sealed class LineageFixture : IAsyncLifetime
{
    public static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    public PlatformDatabase Database { get; } = new();
    public Rabbit Rabbit { get; } = new();
    public string VirtualHost { get; } = "lineage-" + Guid.NewGuid().ToString("N")[..8];
    public ServiceHost<LineageDbContext> Lineage { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;
    public IBusControl Bus { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Database.CreateAsync();
        await Rabbit.CreateVirtualHostAsync(VirtualHost);
        Lineage = new ServiceHost<LineageDbContext>("lineage", Database, VirtualHost);
        Client = Lineage.CreateClient();
        Bus = MassTransit.Bus.Factory.CreateUsingRabbitMq(rabbit => rabbit.Host(new Uri(ServiceHost<LineageDbContext>.MessagingFor(VirtualHost))));
        await Bus.StartAsync();
    }

    private readonly ConcurrentDictionary<string, long> _published = new();

    /// <summary>Publishes an event lineage consumes, counting it per queue for <see cref="WaitForConsumedAsync"/>.</summary>
    public async Task PublishAsync<T>(T message) where T : class
    {
        await Bus.Publish(message);
        _published.AddOrUpdate(QueueOf<T>(), 1, (_, n) => n + 1);
    }

    /// <summary>Waits until lineage has acknowledged every event published so far (an empty queue may only mean "not counted yet").</summary>
    public async Task WaitForConsumedAsync()
    {
        foreach (var (queue, published) in _published)
        {
            await Eventually.GetAsync(async () => (long?)await Rabbit.AcknowledgedAsync(VirtualHost, queue), n => n >= published, Patience,
                $"{queue} to be consumed");
        }
    }

    // MassTransit's kebab-case endpoint names, prefixed with the service (see AddHubMessaging).
    private static string QueueOf<T>() => "lineage-"
        + string.Concat(typeof(T).Name.Select((c, i) => i > 0 && char.IsUpper(c) ? "-"
            + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    /// <summary>
    /// Publishes one snapshot as the crawler would (removals, pages, completion) and waits until
    /// lineage has applied and rolled it up. Snapshots go one after another, like weekly crawls.
    /// </summary>
    public async Task<Guid> PublishSnapshotAsync(DateTimeOffset date, IReadOnlyList<ModelObservation[]> pages,
        IReadOnlyCollection<string>? removed = null)
    {
        var id = Guid.CreateVersion7(date);
        await Bus.Publish(new SnapshotStarted(id, CrawlKind.Full, date, "test"));
        if (removed is { Count: > 0 })
        {
            await PublishAsync(new ReposRemoved(id, date, RepoType.Model, removed.ToArray()));
            await Eventually.GetAsync(() => Database.CountAsync($"lineage.models WHERE removed_snapshot_id = '{id}'"),
                n => n == removed.Count, Patience, "the removals to be applied");
        }
        for (var i = 0; i < pages.Count; i++)
        {
            await PublishAsync(new ModelsObserved(id, i + 1, date, pages[i]));
        }
        await PublishAsync(new SnapshotCompleted(id, CrawlKind.Full, date, date, pages.Count, pages.Sum(p => p.Length), 0, 0, 0, pages.Count));
        await Eventually.GetAsync(() => Database.CountAsync($"lineage.snapshots WHERE id = '{id}' AND rolled_up_at IS NOT NULL"),
            n => n == 1, Patience, $"snapshot {date:d} to be rolled up");
        return id;
    }

    /// <summary>Waits until every page published so far is applied (pages of a snapshot still open).</summary>
    public Task WaitForPagesAsync(Guid snapshot, int pages) =>
        Eventually.GetAsync(() => Database.CountAsync($"lineage.snapshot_pages WHERE snapshot_id = '{snapshot}'"), n => n == pages, Patience,
            "the pages to be applied");

    public async Task<JsonElement> GetAsync(string url)
    {
        using var response = await Client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public async Task DisposeAsync()
    {
        await Bus.StopAsync();
        await Lineage.DisposeAsync();
        await Rabbit.DeleteVirtualHostAsync(VirtualHost);
        Rabbit.Dispose();
        await Database.DropAsync();
    }
}
