using System.Net.Http.Json;
using System.Text.Json;
using HubPlatform.Contracts;
using HubPlatform.Crawler.Hub;
using HubPlatform.Tests.Support;
using MassTransit;
using Npgsql;
using Xunit.Abstractions;

namespace HubPlatform.Tests.EndToEnd.Integration;

/// <summary>
/// Lineage and search killed (SIGKILL of their own process) in the middle of a page: the page's
/// transaction open and blocked, the pages after it delivered but unacknowledged. A new process on
/// the same database and queues finishes the snapshot, and every model is stored once with the
/// numbers computed from the raw sample. (Metrics killed during a crawl: EndToEnd/PlatformTests.)
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class ConsumerKilledTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);
    private static readonly IReadOnlyDictionary<string, HashSet<string>> Parents = IndependentLineage.ParentsByModel(SampleData.SampleModels);
    // Small pages, so the kill falls with pages stored, one in flight and pages still queued.
    private static readonly ModelObservation[][] Pages = SampleData.SampleModels.Select(ModelParser.Parse).Chunk(40).ToArray();
    private const int PagesBeforeTheBlock = 10;

    private readonly PlatformDatabase _database = new();
    private readonly Rabbit _rabbit = new();
    private readonly string _vhost = "killed-" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<ServiceProcess> _processes = [];
    private IBusControl _bus = null!;

    public async Task InitializeAsync()
    {
        await _database.CreateAsync();
        await _rabbit.CreateVirtualHostAsync(_vhost);
        _bus = Bus.Factory.CreateUsingRabbitMq(rabbit => rabbit.Host(new Uri(TestServers.MessagingFor(_vhost))));
        await _bus.StartAsync();
    }

    [Fact]
    public async Task Lineage_killed_in_the_middle_of_a_page_stores_every_model_once_and_matches_an_independent_walk()
    {
        var snapshot = await KillMidPageAndRestartAsync("Lineage", "lineage",
            stored: () => _database.CountAsync("lineage.snapshot_pages"),
            // Pages write models and edges first and record the page last, in one transaction: the
            // lock stops the next page there, its rows written but not committed.
            blocking: "lineage.snapshot_pages");

        var service = _processes[^1];
        await Eventually.GetAsync(() => _database.CountAsync("lineage.snapshot_pages"), n => n == Pages.Length, Patience,
            "every page applied after the restart");
        string[] roots = ["meta-llama/Llama-2-7b-chat-hf", "google/gemma-7b", "microsoft/phi-2"];
        var leaderboard = await Eventually.GetAsync(() => Json(service.Http, "/api/lineage/leaderboard?k=3"),
            l => l?.GetArrayLength() == 3 && l.Value.EnumerateArray().All(f =>
                IndependentLineage.Descendants(Parents, f.GetProperty("baseModelId").GetString()!) == f.GetProperty("descendants").GetInt64()),
            Patience, "the rolled-up families to match an independent walk of the raw sample");
        Assert.Equal(roots.OrderByDescending(r => IndependentLineage.Descendants(Parents, r)),
            leaderboard!.Value.EnumerateArray().Select(f => f.GetProperty("baseModelId").GetString()));

        // Every page once, every observed model once and resolved, every declared edge once and open.
        Assert.Equal(Pages.Length, await _database.CountAsync($"lineage.snapshot_pages WHERE snapshot_id = '{snapshot}'"));
        Assert.Equal(SampleData.SampleModels.Count, await _database.CountAsync("lineage.models WHERE resolved"));
        Assert.Equal(Parents.Sum(p => p.Value.Count), await _database.CountAsync("lineage.edges WHERE valid_to IS NULL"));
        Assert.Equal(0, await _database.CountAsync("(SELECT model_id, base_model_id FROM lineage.edges GROUP BY 1, 2 HAVING count(*) > 1) twice"));
        var stored = await ColumnAsync("SELECT id FROM lineage.models WHERE resolved");
        Assert.Equal(SampleIds.Order(StringComparer.Ordinal), stored.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Search_killed_in_the_middle_of_a_page_stores_every_model_once_with_its_numbers()
    {
        await KillMidPageAndRestartAsync("Search", "search",
            stored: () => _database.CountAsync("search.documents"),
            // A page is one upsert into documents: the lock holds it mid-statement, unacknowledged.
            blocking: "search.documents",
            storedBeforeBlock: PagesBeforeTheBlock * 40);

        await Eventually.GetAsync(() => _database.CountAsync("search.documents"), n => n == SampleData.SampleModels.Count, Patience,
            "every document after the restart");
        // Each repo once, with the downloads and likes of the raw sample.
        var expected = SampleData.SampleModels.ToDictionary(m => m.GetProperty("id").GetString()!,
            m => (Downloads: Number(m, "downloads"), Likes: Number(m, "likes")), StringComparer.Ordinal);
        var rows = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        await using (var connection = new NpgsqlConnection(_database.Admin))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT id, downloads, likes FROM search.documents WHERE repo_type = 'model'", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                Assert.True(rows.TryAdd(reader.GetString(0), (reader.GetInt64(1), reader.GetInt64(2))), $"{reader.GetString(0)} stored twice");
            }
        }
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), rows.Keys.Order(StringComparer.Ordinal));
        Assert.All(expected, e => Assert.Equal(e.Value, rows[e.Key]));
        Assert.Equal(expected.Values.Sum(v => v.Downloads), rows.Values.Sum(v => v.Item1));
    }

    private static HashSet<string> SampleIds { get; } = SampleData.SampleModels.Select(m => m.GetProperty("id").GetString()!)
        .ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// Starts the service as a process, lets it store the first pages, then holds a lock on
    /// <paramref name="blocking"/> so its next page waits in the middle of its write, publishes the
    /// rest, kills the process while it waits (the rest sit unacknowledged in its prefetch or in the
    /// queue), releases the lock and starts a new process.
    /// </summary>
    private async Task<Guid> KillMidPageAndRestartAsync(string project, string service, Func<Task<long>> stored, string blocking,
        long? storedBeforeBlock = null)
    {
        var first = Start(project, service);
        await Eventually.GetAsync(() => _rabbit.MessagesAsync(_vhost, $"{service}-models-observed"), n => n is not null, Patience,
            $"{service} to bind its queue\n{first.Output}");

        var snapshot = Guid.CreateVersion7();
        var now = DateTimeOffset.UtcNow;
        await _bus.Publish(new SnapshotStarted(snapshot, CrawlKind.Full, now, "test"));
        for (var i = 0; i < PagesBeforeTheBlock; i++)
        {
            await _bus.Publish(new ModelsObserved(snapshot, i + 1, now, Pages[i]));
        }
        var before = storedBeforeBlock ?? PagesBeforeTheBlock;
        try
        {
            await Eventually.GetAsync(stored, n => n == before, Patience, $"the first {PagesBeforeTheBlock} pages stored");
        }
        catch (TimeoutException timeout)
        {
            // The process's own last lines go with it: the pages it has not stored may be in its retries or dead-lettered.
            throw new TimeoutException($"{timeout.Message}\n{first.Output}", timeout);
        }

        long afterKill;
        await using (var admin = new NpgsqlConnection(_database.Admin))
        {
            await admin.OpenAsync();
            await using (var transaction = await admin.BeginTransactionAsync())
            {
                await using (var lockTable = new NpgsqlCommand($"LOCK TABLE {blocking} IN SHARE MODE", admin, transaction))
                {
                    await lockTable.ExecuteNonQueryAsync();
                }
                for (var i = PagesBeforeTheBlock; i < Pages.Length; i++)
                {
                    await _bus.Publish(new ModelsObserved(snapshot, i + 1, now, Pages[i]));
                }
                await _bus.Publish(new SnapshotCompleted(snapshot, CrawlKind.Full, now, now, Pages.Length, Pages.Sum(p => p.Length), 0, 0, 0,
                    Pages.Length));
                await Eventually.GetAsync(() => BlockedAsync(service, blocking), n => n > 0, Patience,
                    $"a {service} page to wait on the lock, mid-write");

                await first.KillAsync();
                afterKill = await stored();
                await transaction.RollbackAsync();
            }
        }
        // Killed mid-snapshot: what it had stored stays, the page it was writing and the rest do not;
        // the broker holds every page the killed process had not acknowledged (none after the block).
        Assert.Equal(before, afterKill);
        Assert.True(first.HasExited);
        var queued = await Eventually.GetAsync(() => _rabbit.MessagesAsync(_vhost, $"{service}-models-observed"),
            n => n == Pages.Length - PagesBeforeTheBlock, Patience, "the unacknowledged pages back in the queue");
        output.WriteLine($"{service} killed with {afterKill} rows stored after {PagesBeforeTheBlock} of {Pages.Length} pages; "
            + $"{queued} pages queued for the next process");

        Start(project, service);
        return snapshot;
    }

    private ServiceProcess Start(string project, string service)
    {
        var process = ServiceProcess.Start(project, service, _database, _vhost);
        _processes.Add(process);
        return process;
    }

    /// <summary>Sessions of the service's database login waiting for the lock in a page's write to <paramref name="table"/>.</summary>
    private async Task<long?> BlockedAsync(string service, string table)
    {
        await using var connection = new NpgsqlConnection(_database.Admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT count(*) FROM pg_stat_activity
            WHERE datname = current_database() AND usename = $1 AND wait_event_type = 'Lock' AND query LIKE $2
            """, connection);
        command.Parameters.AddWithValue(HubPlatform.AppHost.Infrastructure.DatabaseProvisioning.RoleOf(service));
        command.Parameters.AddWithValue($"%INSERT INTO {table}%");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task<List<string>> ColumnAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_database.Admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }
        return values;
    }

    private static long Number(JsonElement model, string name) =>
        model.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : 0;

    private static async Task<JsonElement?> Json(HttpClient http, string url)
    {
        using var response = await http.GetAsync(url);
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : null;
    }

    public async Task DisposeAsync()
    {
        await _bus.StopAsync();
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }
        await _rabbit.DeleteVirtualHostAsync(_vhost);
        _rabbit.Dispose();
        await _database.DropAsync();
    }
}
