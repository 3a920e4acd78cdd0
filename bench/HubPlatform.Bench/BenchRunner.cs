using System.Diagnostics;
using HubPlatform.Bench.Benchmarks;
using HubPlatform.Bench.Platform;
using HubPlatform.Bench.Reporting;

namespace HubPlatform.Bench;

/// <summary>
/// One bench run: the in-process measurements first (embedding, vector search: the machine is
/// quietest before the platform starts), then the platform, started, measured and stopped.
/// A measurement that fails is reported under "Not measured" and the run goes on.
/// </summary>
public static class BenchRunner
{
    public static async Task<BenchReport> RunAsync(BenchOptions options, CancellationToken ct)
    {
        var report = new BenchReport(options, MachineInfo.Read());
        report.LoadAverages.Add(MachineInfo.LoadAverageNow());
        var clock = Stopwatch.StartNew();
        if (!options.Quick && options.Models < 1_000_000)
        {
            report.NotMeasured.Add($"The 1M-model hub: this run used {options.Models:N0} models (`--models`; `./hub bench` defaults to 1,000,000).");
        }
        if (!options.Quick && options.Only is null && !options.VectorCounts.Contains(1_000_000))
        {
            report.NotMeasured.Add("USearch vs exact search at 1M vectors: not in this run (`--vectors`; the default is 100000,1000000). " +
                                   "Run with `--vectors 100000,1000000` to measure it (the index is built from one thread, as the search service " +
                                   "builds it).");
        }

        if (options.Measures("embedding"))
        {
            await Measure(report, "Embedding throughput", () => EmbeddingThroughput.RunAsync(options, report, ct));
            report.LoadAverages.Add(MachineInfo.LoadAverageNow());
        }
        if (options.Only is null)
        {
            await Measure(report, "USearch vs brute force", () => VectorSearchComparison.RunAsync(options, report, ct));
            report.LoadAverages.Add(MachineInfo.LoadAverageNow());
            GC.Collect();
        }
        if (options.Measures("ingest") || options.Measures("queries") || options.Measures("duckdb"))
        {
            await MeasurePlatformAsync(options, report, ct);
        }
        report.Duration = clock.Elapsed;
        return report;
    }

    private static async Task MeasurePlatformAsync(BenchOptions options, BenchReport report, CancellationToken ct)
    {
        Console.WriteLine($"bench: starting the platform (a generated hub of {options.Models:N0} models)");
        await using var platform = await BenchPlatform.StartAsync(options, ct);
        if (options.Only is null)
        {
            await Measure(report, "Emulator throughput", () => EmulatorThroughput.RunAsync(platform, options, report, ct));
        }
        else
        {
            // The emulator generates its hub before the crawl is requested (section 1 does that in a full run): not counted.
            var generation = await platform.WaitForEmulatorAsync(ct);
            Console.WriteLine($"bench: the emulator answered after {generation.TotalSeconds:F1} s");
        }
        // Without ingest among --only the hub is still crawled (the queries need it), but section 2 of the report stays as it was.
        var ingestReport = options.Measures("ingest") ? report : new BenchReport(options, report.Machine);
        IngestThroughput.Result? ingest = null;
        await Measure(report, "End-to-end ingest", async () => ingest = await IngestThroughput.RunAsync(platform, options, ingestReport, ct));
        report.LoadAverages.AddRange(ingestReport == report ? [] : ingestReport.LoadAverages);
        if (ingest is not null)
        {
            if (options.Measures("queries"))
            {
                await Measure(report, "Query latency", () => QueryLatency.RunAsync(platform, options, report, ct));
            }
            if (options.Measures("duckdb"))
            {
                await Measure(report, "DuckDB comparison", () => DuckDbComparison.RunAsync(platform, options, ingest.SnapshotId, report, ct));
            }
            if (options.Only is null)
            {
                await Measure(report, "Crawl under the Hub's quota", () => CrawlQuota.RunAsync(platform, options, ingest, report, ct));
            }
        }
        else
        {
            report.NotMeasured.Add("Query latency, DuckDB comparison and the rate-limited crawl: they need the ingested snapshot.");
        }
        report.LoadAverages.Add(MachineInfo.LoadAverageNow());
        Console.WriteLine(options.KeepData
            ? $"bench: stopping the platform; its data stays in {platform.DataDirectory} (--keep-data)"
            : "bench: stopping the platform");
    }

    private static async Task Measure(BenchReport report, string name, Func<Task> measure)
    {
        Console.WriteLine($"bench: {name}");
        try
        {
            await measure();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Console.Error.WriteLine($"bench: {name} failed: {ex}");
            report.NotMeasured.Add($"{name}: failed ({ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")})");
        }
    }
}
