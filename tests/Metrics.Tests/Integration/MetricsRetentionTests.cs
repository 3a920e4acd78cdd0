using System.Net;
using HubPlatform.Contracts;
using HubPlatform.Crawler.Hub;
using HubPlatform.Metrics.Infrastructure;
using HubPlatform.Tests.Support;
using MassTransit;

namespace HubPlatform.Tests.Metrics.Integration;

/// <summary>
/// Retention with Metrics:Retention:FullSnapshots = 2: a weekly series of three full snapshots,
/// each followed by an hourly incremental crawl, ingested one after another. Kept: the two newest
/// full snapshots and the incremental crawl after the newest; gone, partitions and all: the oldest
/// full snapshot and every incremental crawl older than the newest full one.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class MetricsRetentionTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);

    private readonly PlatformDatabase _database = new();
    private readonly Rabbit _rabbit = new();
    private readonly string _virtualHost = "retention-" + Guid.NewGuid().ToString("N")[..8];
    private ServiceHost<MetricsDbContext> _metrics = null!;
    private IBusControl _bus = null!;
    private readonly ModelObservation[] _models = SampleData.SampleModels.Take(60).Select(ModelParser.Parse).ToArray();

    public async Task InitializeAsync()
    {
        await _database.CreateAsync();
        await _rabbit.CreateVirtualHostAsync(_virtualHost);
        _metrics = new ServiceHost<MetricsDbContext>("metrics", _database, _virtualHost,
            new Dictionary<string, string?> { ["Metrics:Retention:FullSnapshots"] = "2" });
        _ = _metrics.CreateClient();
        _bus = Bus.Factory.CreateUsingRabbitMq(rabbit => rabbit.Host(new Uri(ServiceHost<MetricsDbContext>.MessagingFor(_virtualHost))));
        await _bus.StartAsync();
    }

    /// <summary>Publishes a crawl of <paramref name="models"/> and waits until metrics built its aggregates (retention runs just after).</summary>
    private async Task<Guid> CrawlAsync(CrawlKind kind, DateTimeOffset at, List<ModelObservation> models)
    {
        var id = Guid.CreateVersion7(at);
        await _bus.Publish(new SnapshotStarted(id, kind, at, "test"));
        var page = 0;
        var pages = models.Chunk(20).Select(c => new ModelsObserved(id, ++page, at, c)).ToList();
        foreach (var p in pages)
        {
            await _bus.Publish(p);
        }
        await _bus.Publish(new SnapshotCompleted(id, kind, at, at, pages.Count, models.Count, 0, 0, 0, pages.Count, 0, 0, 0));
        await Eventually.GetAsync(() => _database.CountAsync($"metrics.snapshots WHERE id = '{id}' AND aggregated_at IS NOT NULL"), n => n == 1,
            Patience,
            $"metrics to ingest {kind} snapshot {id}");
        return id;
    }

    [Fact]
    public async Task Old_incremental_crawls_and_full_snapshots_beyond_the_kept_count_are_dropped_with_their_partitions()
    {
        var kept = new List<Guid>();
        var dropped = new List<Guid>();
        for (var week = 0; week < 3; week++)
        {
            var at = Start.AddDays(7 * week);
            // Each week sees one more model downloaded ten times more, so every snapshot's numbers differ.
            var full = await CrawlAsync(CrawlKind.Full, at, _models.Select((m, i) => i == week ? m with { Downloads = m.Downloads * 10 + 1 } : m)
                .ToList());
            var incremental = await CrawlAsync(CrawlKind.Incremental, at.AddHours(1), _models.Take(3).ToList());
            (week == 0 ? dropped : kept).Add(full);
            (week == 2 ? kept : dropped).Add(incremental);
        }
        var newest = kept[1];
        // Retention ran after the newest incremental crawl was aggregated too: nothing more goes.
        await Eventually.GetAsync(() => _database.CountAsync("metrics.snapshots"), n => n == kept.Count, Patience, "retention to drop old snapshots");

        var metrics = _metrics.CreateClient();
        foreach (var id in dropped)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await metrics.GetAsync($"/api/snapshots/{id}")).StatusCode);
        }
        foreach (var (table, _) in SnapshotPartitions.FactTables)
        {
            var partitions = await _database.CountAsync($"pg_inherits WHERE inhparent = 'metrics.{table}'::regclass");
            Assert.Equal(kept.Count, partitions);
            foreach (var id in dropped)
            {
                Assert.Equal(0, await _database.CountAsync($"pg_class WHERE relname = '{table}_{id:N}'"));
            }
        }
        foreach (var table in SnapshotAggregates.Tables.Append("snapshot_pages"))
        {
            Assert.Equal(0, await _database.CountAsync($"metrics.{table} WHERE snapshot_id IN ('{string.Join("','", dropped)}')"));
        }
        Assert.Equal(kept.Count, await _database.CountAsync("(SELECT DISTINCT snapshot_id FROM metrics.model_organization_totals) x"));

        // What stays is whole: the newest full snapshot's facts and its ModelVerse totals are its own observations'.
        Assert.Equal(_models.Length, await _database.CountAsync($"metrics.model_facts WHERE snapshot_id = '{newest}'"));
        var ranking = System.Text.Json.JsonDocument.Parse(
            await metrics.GetStringAsync($"/api/modelverse/organizations?metric=downloads&snapshot={newest}")).RootElement;
        Assert.Equal(_models.Select((m, i) => i == 2 ? m.Downloads * 10 + 1 : m.Downloads).Sum(), (long)ranking.GetProperty("total").GetDouble());
        Assert.Equal(_models.Length, ranking.GetProperty("totalModels").GetInt64());
        // The default snapshot is the newest full one.
        var latest = System.Text.Json.JsonDocument.Parse(await metrics.GetStringAsync("/api/modelverse/organizations?metric=downloads")).RootElement;
        Assert.Equal(newest, latest.GetProperty("snapshotId").GetGuid());
    }

    public async Task DisposeAsync()
    {
        await _bus.StopAsync();
        await _metrics.DisposeAsync();
        await _rabbit.DeleteVirtualHostAsync(_virtualHost);
        _rabbit.Dispose();
        await _database.DropAsync();
    }
}
