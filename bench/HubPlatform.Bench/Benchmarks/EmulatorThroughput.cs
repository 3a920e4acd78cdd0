using System.Diagnostics;
using System.Text.Json;
using HubPlatform.Bench.Measurement;
using HubPlatform.Bench.Platform;
using HubPlatform.Bench.Reporting;

namespace HubPlatform.Bench.Benchmarks;

/// <summary>
/// 1. How fast the emulator serves its whole generated hub page by page (1000 models a page,
/// following the Link header as the crawler does), and the emulator's peak RSS meanwhile.
/// </summary>
public static class EmulatorThroughput
{
    public static async Task RunAsync(BenchPlatform platform, BenchOptions options, BenchReport report, CancellationToken ct)
    {
        var section = report.Add("emulator", "1. Emulator: serving a generated hub");
        var generation = await platform.WaitForEmulatorAsync(ct);
        using var client = new HttpClient { BaseAddress = platform.EmulatorUri, Timeout = TimeSpan.FromMinutes(2) };
        // One pass over a 1M hub is long enough to be steady; small hubs get several.
        var runs = options.Models >= 200_000 ? 1 : options.Runs;
        var rates = new List<double>();
        long served = 0;
        for (var run = 0; run < runs; run++)
        {
            var clock = Stopwatch.StartNew();
            served = 0;
            var next = "/api/models?limit=1000";
            while (next is not null)
            {
                using var response = await client.GetAsync(next, ct);
                response.EnsureSuccessStatusCode();
                using var page = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct), cancellationToken: ct);
                served += page.RootElement.GetArrayLength();
                next = NextLink(response);
            }
            rates.Add(served / clock.Elapsed.TotalSeconds);
            Console.WriteLine($"bench: emulator served {served:N0} models at {rates[^1]:N0}/s");
        }
        var usage = ProcessMonitor.Read(Path.Combine(BenchPlatform.RepoRoot, "services/HubEmulator/bin/"));
        section.Number("modelsPerSecond", Stats.Median(rates))
            .Number("modelsServed", served)
            .Number("peakRssMb", usage.PeakRssMb)
            .Number("generationSeconds", Math.Max(generation.TotalSeconds, 0.001));
        section.Line("`GET /api/models?limit=1000` followed through the `Link: rel=\"next\"` cursor to the end, one client, the body parsed (as " +
                     "the crawler must).")
            .Line()
            .Table(["measure", "value"],
            [
                ["models served per pass", F(served)],
                [$"models/s served (median of {runs})", F(Stats.Median(rates))],
                ["emulator peak RSS (VmHWM), MB", F(usage.PeakRssMb)],
                ["first answer after start (hub generated on first use), s", F(generation.TotalSeconds, 1)],
            ]);
    }

    /// <summary>The <c>rel="next"</c> target of a Link header, as a path and query.</summary>
    public static string? NextLink(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Link", out var values))
        {
            return null;
        }
        foreach (var part in values.SelectMany(v => v.Split(',')))
        {
            if (part.Contains("rel=\"next\"", StringComparison.Ordinal))
            {
                var url = part[(part.IndexOf('<') + 1)..part.IndexOf('>')];
                return Uri.TryCreate(url, UriKind.Absolute, out var absolute) ? absolute.PathAndQuery : url;
            }
        }
        return null;
    }

    private static string F(double v, int d = 0) => BenchSection.F(v, d);
}
