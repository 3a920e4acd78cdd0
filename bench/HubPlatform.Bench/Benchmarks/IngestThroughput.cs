using System.Diagnostics;
using System.Text.Json;
using HubPlatform.Bench.Measurement;
using HubPlatform.Bench.Platform;
using HubPlatform.Bench.Reporting;
using Npgsql;

namespace HubPlatform.Bench.Benchmarks;

/// <summary>The processes whose CPU and memory the ingest is charged to, by a piece of their command line.</summary>
public static class PlatformProcesses
{
    public static IReadOnlyList<(string Name, string Marker)> All(BenchPlatform platform) =>
    [
        ("hub-emulator", Path.Combine(BenchPlatform.RepoRoot, "services/HubEmulator/bin/")),
        ("crawler", Path.Combine(BenchPlatform.RepoRoot, "services/Crawler/bin/")),
        ("metrics", Path.Combine(BenchPlatform.RepoRoot, "services/Metrics/bin/")),
        ("lineage", Path.Combine(BenchPlatform.RepoRoot, "services/Lineage/bin/")),
        ("search", Path.Combine(BenchPlatform.RepoRoot, "services/Search/bin/")),
        ("gateway", Path.Combine(BenchPlatform.RepoRoot, "gateway/Gateway/bin/")),
        // Each Postgres server by its data folder (its command line's "-D folder -p"); one for all, or one per service.
        .. platform.PostgresServers.Select(server => ($"{server.Name} (all backends)", server.DataDirectory + " ")),
        ("rabbitmq", Path.Combine(platform.DataDirectory, "rabbitmq")),
        ("redis", $"127.0.0.1:{BenchPlatform.RedisPort}"),
    ];
}

/// <summary>
/// 2. A full crawl of the generated hub through the crawler and RabbitMQ until metrics and
/// lineage announce SnapshotIngested and search holds a document for every crawled model:
/// models/s overall and per stage, CPU seconds and peak RSS per process, queue depths over time.
/// </summary>
public static class IngestThroughput
{
    public sealed record Result(Guid SnapshotId, double CrawlSeconds, long Models, int Pages);

    /// <summary>The Hub's free quota as a rate: 1000 requests per 300 s. One listing page is one request.</summary>
    public const double QuotaRequestsPerSecond = 1000 / 300.0;

    public static async Task<Result> RunAsync(BenchPlatform platform, BenchOptions options, BenchReport report, CancellationToken ct)
    {
        var section = report.Add("ingest", "2. End-to-end ingest: emulator → crawler → RabbitMQ → metrics, lineage, search");
        await using var listener = await IngestedListener.StartAsync(BenchPlatform.RabbitMqUri, ct);
        using var management = BenchPlatform.RabbitMqManagement();
        // A session on each Postgres server: the search, metrics and lineage schemas may each live on their own.
        var servers = new List<NpgsqlConnection>();
        await using var closeServers = new DisposeAll(servers);
        foreach (var server in platform.PostgresServers)
        {
            servers.Add(await platform.OpenDatabaseAsync(server, ct));
        }
        NpgsqlConnection Db(string service) => servers[platform.PostgresServers.ToList().IndexOf(platform.PostgresServerOf(service))];
        var db = Db("search");
        var processes = PlatformProcesses.All(platform);
        var cpuBefore = ProcessMonitor.ReadAll(processes).ToDictionary(p => p.Key, p => p.Value.CpuSeconds);
        var peakRss = processes.ToDictionary(p => p.Name, _ => 0.0);
        var documentsBefore = await SearchModelDocumentsAsync(db, ct);
        long documents = 0;
        var statementsCounted = true;
        foreach (var server in servers)
        {
            statementsCounted &= await PostgresStatements.ResetAsync(server, ct);
        }
        var activity = new PostgresActivity();

        // The crawler's own account of a page's time (fetch, parse, commit, waits), logged at the end of each listing.
        var crawlerLines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var stopWatching = CancellationTokenSource.CreateLinkedTokenSource(ct);
        // ... and the services' own account of their closing step (metrics' aggregates, lineage's family rollup).
        var watching = Task.WhenAll(
            Watch("crawler", "listing pages in"), Watch("metrics", "Built the aggregates"), Watch("lineage", "Family rollup of snapshot"));
        Task Watch(string service, string marker) => platform.WatchLogsAsync(service, l => l.Contains(marker, StringComparison.Ordinal), l =>
        {
            crawlerLines.Enqueue($"{service}: {l.Trim()}");
            Console.WriteLine($"bench: {service}: {l}");
        }, stopWatching.Token);
        var snapshot = await platform.StartCrawlAsync(ct);
        var clock = Stopwatch.StartNew();
        Console.WriteLine($"bench: crawl {snapshot} started");
        double? crawlDone = null, metricsDone = null, lineageDone = null, searchDone = null;
        long crawled = 0, repos = 0;
        var pages = 0;
        var queueSamples = new List<(double At, Dictionary<string, long> Depths)>();
        var peakQueues = new Dictionary<string, long>();
        var interval = TimeSpan.FromMilliseconds(options.Quick ? 250 : 1000);
        var lastPrint = TimeSpan.Zero;
        while (metricsDone is null || lineageDone is null || searchDone is null || crawlDone is null)
        {
            if (clock.Elapsed > options.IngestTimeout)
            {
                throw new TimeoutException($"Ingest did not finish within {options.IngestTimeout}: crawl {crawlDone}, metrics {metricsDone}, " +
                                           $"lineage {lineageDone}, search {searchDone}.");
            }
            await Task.Delay(interval, ct);
            var now = clock.Elapsed.TotalSeconds;
            var crawl = await platform.CrawlAsync(snapshot, ct);
            crawled = crawl.GetProperty("models").GetInt64();
            repos = crawled + crawl.GetProperty("datasets").GetInt64() + crawl.GetProperty("spaces").GetInt64();
            pages = crawl.GetProperty("pages").GetInt32();
            if (crawlDone is null && CrawlCompleted(crawl))
            {
                crawlDone = now;
            }
            metricsDone ??= listener.HeardAt(snapshot, "metrics") is not null ? now : null;
            lineageDone ??= listener.HeardAt(snapshot, "lineage") is not null ? now : null;
            var print = clock.Elapsed - lastPrint > TimeSpan.FromSeconds(10);
            // Counting a million documents is not free (1.2 s of Postgres at 1M, polled every 10 s it was 7 % of the
            // ingest's statement time): counted only once search may be done; the progress line shows Postgres' estimate.
            if (crawlDone is not null && searchDone is null)
            {
                documents = await SearchModelDocumentsAsync(db, ct) - documentsBefore;
            }
            else if (print)
            {
                documents = await EstimatedSearchDocumentsAsync(db, ct);
            }
            if (searchDone is null && crawlDone is not null && documents >= crawled)
            {
                searchDone = now;
            }
            foreach (var server in servers)
            {
                await activity.SampleAsync(server, ct);
            }
            activity.Swept();
            var depths = await QueueDepthsAsync(management, ct);
            queueSamples.Add((now, depths));
            // A page in an error queue never arrives by itself: the snapshot cannot complete, so waiting on is pointless.
            if (depths.FirstOrDefault(q => q.Key.EndsWith("_error", StringComparison.Ordinal) && q.Value > 0) is { Key: not null } dead)
            {
                throw new InvalidOperationException($"{dead.Key} holds {dead.Value} dead-lettered page(s) after {now:F0} s: the snapshot cannot be " +
                                                    "fully ingested (see that service's log).");
            }
            foreach (var (queue, depth) in depths)
            {
                peakQueues[queue] = Math.Max(peakQueues.GetValueOrDefault(queue), depth);
            }
            foreach (var (name, usage) in ProcessMonitor.ReadAll(processes))
            {
                peakRss[name] = Math.Max(peakRss[name], usage.PeakRssMb);
            }
            report.LoadAverages.Add(MachineInfo.LoadAverageNow());
            if (print)
            {
                lastPrint = clock.Elapsed;
                var progress = (Metrics: await StoredModelsAsync(Db("metrics"), "metrics", snapshot, ct),
                    Lineage: await StoredModelsAsync(Db("lineage"), "lineage", snapshot, ct));
                Console.WriteLine($"bench: {now:F0}s crawled {crawled:N0} ({pages} pages), metrics {progress.Metrics:N0}, lineage " +
                                  $"{progress.Lineage:N0}, search {documents:N0}{(crawlDone is null ? " (estimate, models and datasets)" : "")}, " +
                                  $"queued {depths.Values.Sum():N0}");
            }
        }
        var cpu = ProcessMonitor.ReadAll(processes).ToDictionary(p => p.Key, p => p.Value.CpuSeconds - cpuBefore[p.Key]);
        // The services log their closing step just before announcing it: give those lines a moment to arrive.
        await Task.Delay(TimeSpan.FromSeconds(2), ct);
        await stopWatching.CancelAsync();
        try
        {
            // A log stream that does not end when cancelled must not hold the measured ingest back.
            await watching.WaitAsync(TimeSpan.FromSeconds(10), ct);
        }
        catch (TimeoutException)
        {
            Console.WriteLine("bench: a service's log watch did not stop when asked; going on without it");
        }
        var total = new[] { crawlDone!.Value, metricsDone!.Value, lineageDone!.Value, searchDone!.Value }.Max();

        section.Number("models", crawled)
            .Number("modelsPerSecondOverall", crawled / total)
            .Number("crawlModelsPerSecond", crawled / crawlDone.Value)
            .Number("crawlReposPerSecond", repos / crawlDone.Value)
            .Number("crawlPagesPerSecond", pages / crawlDone.Value)
            .Number("crawlPagesPerQuotaRequest", pages / crawlDone.Value / QuotaRequestsPerSecond)
            .Number("metricsModelsPerSecond", crawled / metricsDone.Value)
            .Number("lineageModelsPerSecond", crawled / lineageDone.Value)
            .Number("searchModelsPerSecond", crawled / searchDone.Value)
            .Number("totalCpuSeconds", cpu.Values.Sum())
            .Number("peakRssMbMax", peakRss.Values.Max());
        section.Line($"One full crawl of {crawled:N0} models and {repos - crawled:N0} datasets and spaces ({repos:N0} repos) in {pages:N0} listing " +
                     "pages " +
                     $"of {options.PageSize} (the emulator's rate limit off). " +
                     "A stage is done when metrics and lineage publish `SnapshotIngested` for the snapshot (every announced page stored and the " +
                     "completion seen) and when search holds a document for every crawled model; times count from the crawl request. " +
                     "One run (a full crawl is the expensive part of the bench); the embedding backlog search builds in the background is measured " +
                     "in section 3.")
            .Line()
            .Table(["stage", "done after, s", "models/s"],
            [
                ["crawler (all pages fetched, committed, outboxed)", F(crawlDone.Value, 1), F(crawled / crawlDone.Value)],
                ["metrics (SnapshotIngested)", F(metricsDone.Value, 1), F(crawled / metricsDone.Value)],
                ["lineage (SnapshotIngested, after its family roll-up)", F(lineageDone.Value, 1), F(crawled / lineageDone.Value)],
                ["search (documents)", F(searchDone.Value, 1), F(crawled / searchDone.Value)],
                ["**overall**", F(total, 1), $"**{F(crawled / total)}**"],
            ])
            .Line("The quota limits requests, and a full crawl lists datasets and spaces too, so the crawler's real measure is pages/s against the " +
                  "quota's requests/s:")
            .Line()
            .Table(["crawler", "value"],
            [
                ["listing pages/s (one page = one request)", F(pages / crawlDone.Value, 2)],
                ["the Hub's free quota, requests/s (1000 per 300 s)", F(QuotaRequestsPerSecond, 2)],
                ["**pages/s ÷ quota's requests/s** (above 1: the quota, not the crawler, sets a real crawl's pace)",
                $"**{F(pages / crawlDone.Value / QuotaRequestsPerSecond, 2)}**"],
                ["repos/s (models, datasets and spaces)", F(repos / crawlDone.Value)],
                ["models/s (models only; the crawl also spends requests on datasets and spaces)", F(crawled / crawlDone.Value)],
            ])
            .Line($"Models-only goal from the issue: faster than 1000 requests of 1000 models per 5 minutes ≈ 3,333 models/s: " +
                  $"overall {F(crawled / total)} models/s is {F(crawled / total / 3333.3, 2)}× that (a ratio that counts only model pages; the " +
                  "pages/s ratio above counts every request).")
            .Line()
            .Line("Where the time goes (CPU seconds used during the ingest, with the time of the children a server reaped, such as " +
                  "Postgres' autovacuum workers; peak RSS = VmHWM, summed over a server's processes):")
            .Line()
            .Table(["process", "CPU s", "share of CPU", "peak RSS, MB"],
                cpu.OrderByDescending(c => c.Value).Select(c => new[]
                {
                    c.Key, F(c.Value, 1), F(100 * c.Value / Math.Max(cpu.Values.Sum(), 0.001), 0) + " %", F(peakRss[c.Key]),
                }))
            .Line($"CPU available in that time: {F(total * report.Machine.Cores, 0)} core-seconds ({report.Machine.Cores} cores × {F(total, 1)} " +
                  "s); " +
                  $"the platform used {F(cpu.Values.Sum(), 0)}, {F(1000 * cpu.Values.Sum() / Math.Max(pages, 1), 0)} core-ms a listing page. " +
                  "Search's embedding worker holds inference while listing pages arrive (`Search:Embeddings:IngestLull`, 3 s after the last page), " +
                  "so search's CPU here is its consumers' upserts and index sync, not the embedding backlog (section 3).")
            .Line()
            .Line("RabbitMQ queue depths (ready + unacknowledged messages; one message is one page of models), from the management API:")
            .Line()
            .Table(["queue", "peak depth"], peakQueues.Where(q => q.Value > 0).OrderByDescending(q => q.Value)
                .Select(q => new[] { q.Key, F(q.Value) }))
            .Line("Total queued over time:")
            .Line()
            .Table(["at, s", "messages queued"], Downsample(queueSamples, 12).Select(s => new[] { F(s.At, 0), F(s.Depths.Values.Sum()) }));
        section.Line()
            .Line($"What the services' Postgres sessions were doing, sampled from `pg_stat_activity` once a second ({activity.Sweeps:N0} samples): " +
                  "sessions running a statement on average, of them on the CPU, and the most frequent waits (average sessions waiting on each):")
            .Line()
            .Table(["service role", "sessions active", "on the CPU", "waiting on"],
                activity.Summary().Select(a => new[] { a.Role, F(a.Active, 2), F(a.OnCpu, 2), a.TopWaits }));
        var postgresCpu = activity.CpuByRole().Where(r => r.CpuSeconds >= 0.05).ToList();
        var postgresCpuSeconds = postgresCpu.Sum(r => r.CpuSeconds);
        section.Number("postgresBackendCpuSeconds", postgresCpuSeconds)
            .Line()
            .Line("\"On the CPU\" counts a session that is runnable but waits for a core. What Postgres' backends really used, from /proc " +
                  "(each backend's CPU time between the first sample and the last), by the role of their sessions or by process type:")
            .Line()
            .Table(["role or process", "CPU s", "share of Postgres' CPU", "core-ms a listing page"],
                postgresCpu.Select(r => new[]
                {
                    r.Role, F(r.CpuSeconds, 1), F(100 * r.CpuSeconds / Math.Max(postgresCpuSeconds, 0.001), 0) + " %",
                    F(1000 * r.CpuSeconds / Math.Max(pages, 1), 0),
                }));
        if (!crawlerLines.IsEmpty)
        {
            section.Line()
                .Line("The services' own account (their logs): where a listing page's time went in the crawler, and how long metrics' aggregates " +
                      "and lineage's family rollup took once the last page was in:")
                .Line();
            foreach (var line in crawlerLines)
            {
                section.Line($"- `{line}`");
            }
        }
        if (statementsCounted)
        {
            await StatementsAsync(section, servers, ct);
        }
        report.ScaleOutRow = new ScaleOutRow(
            options.MeasuredCommand,
            options.Deployment,
            report.StartedAt,
            $"{report.Machine.Cores} cores, load {LoadRange(report.LoadAverages)}",
            crawled,
            total,
            pages / crawlDone.Value,
            1000 * cpu.Values.Sum() / Math.Max(pages, 1),
            cpu.Where(c => c.Value >= 0.5).OrderByDescending(c => c.Value)
                .Select(c => (c.Key.Replace(" (all backends)", "", StringComparison.Ordinal), c.Value)).ToList(),
            string.Join("; ", activity.Summary().Take(4).Select(a => $"{a.Role} {F(a.Active, 2)} ({F(a.OnCpu, 2)}; {a.TopWaits})")),
            string.Join("; ", peakQueues.Where(q => q.Value > 0).OrderByDescending(q => q.Value).Take(3).Select(q => $"{q.Key} {q.Value}")));
        return new Result(snapshot, crawlDone.Value, crawled, pages);
    }

    /// <summary>A crawl is over once it has a completion time (whatever the status enum is serialized as).</summary>
    /// <summary>
    /// Postgres' part of the ingest split by statement. Execution time is CPU plus waits: for row
    /// locks held by a concurrent page's transaction, and for I/O (fsync is off locally).
    /// </summary>
    private static async Task StatementsAsync(BenchSection section, IReadOnlyList<NpgsqlConnection> servers, CancellationToken ct)
    {
        // Summed over the servers: each counts its own statements (a role, hence a service, lives on one server;
        // the bench's own superuser statements run on each).
        double total = 0;
        var top = new List<PostgresStatements.Statement>();
        var roles = new List<(string Role, long Calls, double TotalMs)>();
        foreach (var server in servers)
        {
            total += await PostgresStatements.TotalMsAsync(server, ct);
            top.AddRange(await PostgresStatements.TopAsync(server, 20, ct));
            roles.AddRange(await PostgresStatements.ByRoleAsync(server, ct));
        }
        top = [.. top.OrderByDescending(s => s.TotalMs).Take(20)];
        roles = [.. roles.GroupBy(r => r.Role, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Sum(r => r.Calls), g.Sum(r => r.TotalMs))).OrderByDescending(r => r.Item3)];
        section.Line()
            .Line("Statement time by service role (execution time, so waits included):")
            .Line()
            .Table(["service role", "statements", "total s", "share"],
                roles.Select(r => new[] { r.Role, F(r.Calls), F(r.TotalMs / 1000, 1), F(100 * r.TotalMs / Math.Max(total, 0.001), 0) + " %" }));
        section.Line()
            .Line($"Postgres time by statement during the ingest (`pg_stat_statements`, execution time of all statements {F(total / 1000, 1)} s; " +
                  "the 20 costliest; " +
                  "a statement's time includes waiting for row locks another page's transaction holds):")
            .Line()
            .Table(["service role", "calls", "total s", "share", "ms/call", "rows", "statement"],
                top.Select(s => new[]
                {
                    s.Role, F(s.Calls), F(s.TotalMs / 1000, 1), F(100 * s.TotalMs / Math.Max(total, 0.001), 0) + " %",
                    F(s.TotalMs / Math.Max(s.Calls, 1), 2), F(s.Rows), PostgresStatements.Cell(s.Query),
                }));
    }

    public static bool CrawlCompleted(JsonElement crawl) =>
        crawl.TryGetProperty("completedAt", out var at) && at.ValueKind == JsonValueKind.String;

    private static IEnumerable<T> Downsample<T>(List<T> items, int count) =>
        items.Count <= count ? items : Enumerable.Range(0, count).Select(i => items[i * (items.Count - 1) / (count - 1)]);

    /// <summary>
    /// Search's model documents, read from its table: its status endpoint also counts distinct texts over every
    /// document and chunk (~2 s of Postgres at 1M), which polled each second took an eighth of the ingest's Postgres time.
    /// </summary>
    private static async Task<long> SearchModelDocumentsAsync(Npgsql.NpgsqlConnection db, CancellationToken ct)
    {
        await using var command = new Npgsql.NpgsqlCommand("SELECT count(*) FROM search.documents WHERE repo_type = 'model'", db);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Postgres' running estimate of search's documents (models and datasets), free to read: for the progress line only.</summary>
    private static async Task<long> EstimatedSearchDocumentsAsync(Npgsql.NpgsqlConnection db, CancellationToken ct)
    {
        await using var command = new Npgsql.NpgsqlCommand(
            "SELECT coalesce(sum(n_live_tup), 0)::bigint FROM pg_stat_user_tables WHERE schemaname = 'search' AND relname = 'documents'", db);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    public static async Task<Dictionary<string, long>> QueueDepthsAsync(HttpClient management, CancellationToken ct)
    {
        var queues = JsonDocument.Parse(await management.GetStringAsync("/api/queues?columns=name,messages", ct)).RootElement;
        return queues.EnumerateArray().ToDictionary(
            q => q.GetProperty("name").GetString()!,
            q => q.TryGetProperty("messages", out var m) && m.ValueKind == JsonValueKind.Number ? m.GetInt64() : 0);
    }

    /// <summary>Models a service (metrics or lineage, whose schemas both keep a snapshot_pages table) stored of the snapshot so far.</summary>
    private static async Task<long> StoredModelsAsync(NpgsqlConnection db, string schema, Guid snapshot, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT coalesce(sum(models), 0)::bigint FROM {schema}.snapshot_pages WHERE snapshot_id = $1", db);
        command.Parameters.AddWithValue(snapshot);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    private static string LoadRange(IEnumerable<double> loads)
    {
        var known = loads.Where(l => !double.IsNaN(l)).ToList();
        return known.Count > 0 ? $"{known.Min():F1}–{known.Max():F1}" : "unknown";
    }

    /// <summary>Closes the sessions opened on each server.</summary>
    private sealed class DisposeAll(List<NpgsqlConnection> connections) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private static string F(double v, int d = 0) => BenchSection.F(v, d);
}
