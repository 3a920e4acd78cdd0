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
                                   "Run with `--vectors 100000,1000000` to measure it (the index is built from one thread, as the search service builds it).");
        }

        if (options.Only is "ingest")
        {
            await IngestAloneAsync(options, report, ct);
            report.Duration = clock.Elapsed;
            return report;
        }
        await Measure(report, "Embedding throughput", () => EmbeddingThroughput.RunAsync(options, report, ct));
        report.LoadAverages.Add(MachineInfo.LoadAverageNow());
        if (options.Only is not null)
        {
            report.Duration = clock.Elapsed;
            return report;
        }
        await Measure(report, "USearch vs brute force", () => VectorSearchComparison.RunAsync(options, report, ct));
        report.LoadAverages.Add(MachineInfo.LoadAverageNow());
        GC.Collect();

        Console.WriteLine($"bench: starting the platform (a generated hub of {options.Models:N0} models)");
        await using (var platform = await BenchPlatform.StartAsync(options, ct))
        {
            await Measure(report, "Emulator throughput", () => EmulatorThroughput.RunAsync(platform, options, report, ct));
            IngestThroughput.Result? ingest = null;
            await Measure(report, "End-to-end ingest", async () => ingest = await IngestThroughput.RunAsync(platform, options, report, ct));
            if (ingest is not null)
            {
                await Measure(report, "Query latency", () => QueryLatency.RunAsync(platform, options, report, ct));
                await Measure(report, "DuckDB comparison", () => DuckDbComparison.RunAsync(platform, options, ingest.SnapshotId, report, ct));
                await Measure(report, "Crawl under the Hub's quota", () => CrawlQuota.RunAsync(platform, options, ingest, report, ct));
            }
            else
            {
                report.NotMeasured.Add("Query latency, DuckDB comparison and the rate-limited crawl: they need the ingested snapshot.");
            }
            Console.WriteLine("bench: stopping the platform");
        }
        report.Duration = clock.Elapsed;
        return report;
    }

    /// <summary>
    /// <c>--only ingest</c>: the platform and one full crawl, nothing else. The emulator generates its hub
    /// before the crawl is requested (section 1 does that in a full run), so generation is not counted.
    /// </summary>
    private static async Task IngestAloneAsync(BenchOptions options, BenchReport report, CancellationToken ct)
    {
        Console.WriteLine($"bench: starting the platform (a generated hub of {options.Models:N0} models)");
        await using var platform = await BenchPlatform.StartAsync(options, ct);
        var generation = await platform.WaitForEmulatorAsync(ct);
        Console.WriteLine($"bench: the emulator answered after {generation.TotalSeconds:F1} s");
        await Measure(report, "End-to-end ingest", () => IngestThroughput.RunAsync(platform, options, report, ct));
        Console.WriteLine("bench: stopping the platform");
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
