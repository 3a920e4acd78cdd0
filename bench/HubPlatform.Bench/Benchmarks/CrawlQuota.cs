using System.Diagnostics;
using HubPlatform.Bench.Platform;
using HubPlatform.Bench.Reporting;

namespace HubPlatform.Bench.Benchmarks;

/// <summary>
/// 2b. The same crawl with the Hub's free quota switched on in the emulator (fixed windows
/// aligned on the clock, as the Hub does): it must take no longer than the quota dictates,
/// i.e. the crawler waits for windows but wastes none.
/// </summary>
public static class CrawlQuota
{
    public static async Task RunAsync(BenchPlatform platform, BenchOptions options, IngestThroughput.Result unlimited, BenchReport report, CancellationToken ct)
    {
        var section = report.Add("quota", "2b. Crawl under the Hub's free quota");
        await platform.RestartEmulatorAsync(rateLimited: true, ct);
        var snapshot = await platform.StartCrawlAsync(ct);
        var clock = Stopwatch.StartNew();
        var crawl = await platform.CrawlAsync(snapshot, ct);
        while (!IngestThroughput.CrawlCompleted(crawl))
        {
            if (clock.Elapsed > options.IngestTimeout)
            {
                throw new TimeoutException($"The rate-limited crawl did not finish within {options.IngestTimeout}.");
            }
            await Task.Delay(options.Quick ? 250 : 1000, ct);
            crawl = await platform.CrawlAsync(snapshot, ct);
        }
        var startedAt = crawl.GetProperty("startedAt").GetDateTimeOffset();
        var completedAt = crawl.GetProperty("completedAt").GetDateTimeOffset();
        var requests = crawl.GetProperty("pages").GetInt32();
        var waited = crawl.GetProperty("rateLimitWaitSeconds").GetDouble();
        var seconds = (completedAt - startedAt).TotalSeconds;

        // Request i (0-based) can be served no earlier than the window floor(t0/w) + floor(i/q) opens.
        var w = options.QuotaWindowSeconds;
        var t0 = startedAt.ToUnixTimeMilliseconds() / 1000.0;
        var lastWindowOpens = (Math.Floor(t0 / w) + Math.Floor((requests - 1) / (double)options.QuotaRequests)) * w - t0;
        var dictated = Math.Max(unlimited.CrawlSeconds, lastWindowOpens);
        // After the last window opens, at most the unlimited crawl's own work is left.
        var bound = Math.Max(lastWindowOpens, 0) + unlimited.CrawlSeconds;
        var within = seconds <= bound;
        section.Number("crawlSeconds", seconds).Number("dictatedSeconds", dictated).Number("requests", requests)
            .Number("withinQuotaBound", within ? 1 : 0);
        section.Line($"Emulator restarted with `Emulator:RateLimit:Enabled=true`, {options.QuotaRequests} requests per {w} s window " +
                     (options.Quick ? "(scaled down for quick mode; the Hub's free quota is 1000 per 300 s)" : "(the Hub's free quota)") + ", same hub, one crawl.")
            .Line()
            .Table(["measure", "value"],
            [
                ["requests (pages)", F(requests)],
                ["crawl time with the quota, s", F(seconds, 1)],
                ["crawl time without it (section 2), s", F(unlimited.CrawlSeconds, 1)],
                ["least time the quota allows (last request's window opens, or the unlimited time), s", F(dictated, 1)],
                ["crawler's own count of rate-limit waits, s", F(waited, 1)],
                ["time with quota ÷ least time", F(seconds / dictated, 2)],
                ["no longer than the quota dictates (≤ last window + unlimited work)", within ? "yes" : $"**no** (bound {F(bound, 1)} s)"],
            ]);
    }

    private static string F(double v, int d = 0) => BenchSection.F(v, d);
}
