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
    public static async Task RunAsync(BenchPlatform platform, BenchOptions options, IngestThroughput.Result unlimited, BenchReport report,
        CancellationToken ct)
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

        // The quota's rate: q requests per w seconds, so N requests need N·w/q seconds however they are spread.
        var w = options.QuotaWindowSeconds;
        var quotaRate = requests * (double)w / options.QuotaRequests;
        // Issue #4's bound: the quota's time plus at most one page's own processing (a page of the unlimited crawl).
        var onePage = unlimited.CrawlSeconds / Math.Max(unlimited.Pages, 1);
        var least = LeastSeconds(startedAt.ToUnixTimeMilliseconds() / 1000.0, requests, options.QuotaRequests, w, onePage);
        var bound = quotaRate + onePage;
        var within = seconds <= bound;
        section.Number("crawlSeconds", seconds).Number("dictatedSeconds", quotaRate).Number("requests", requests).Number("leastSeconds", least)
            .Number("crawlToDictatedRatio", seconds / quotaRate).Number("withinQuotaBound", within ? 1 : 0);
        section.Line($"Emulator restarted with `Emulator:RateLimit:Enabled=true`, {options.QuotaRequests} requests per {w} s window " +
                     (options.Quick ? "(scaled down for quick mode; the Hub's free quota is 1000 per 300 s)" : "(the Hub's free quota)")
                         + ", same hub, one crawl.")
            .Line()
            .Table(["measure", "value"],
            [
                ["requests (pages)", F(requests)],
                ["**dictated time**: the quota's rate (requests × window ÷ quota), s", F(quotaRate, 1)],
                ["**measured time** with the quota, s", F(seconds, 1)],
                ["**measured ÷ dictated**", $"**{F(seconds / quotaRate, 3)}**"],
                ["crawl time without the quota (section 2), s", F(unlimited.CrawlSeconds, 1)],
                ["one page's processing (section 2's time ÷ its pages), s", F(onePage, 3)],
                ["least time these windows allow a crawler of section 2's speed, s", F(least, 1)],
                ["measured ÷ that least time", F(seconds / least, 3)],
                ["crawler's own count of rate-limit waits, s", F(waited, 1)],
                ["no longer than the quota dictates (≤ dictated time + one page's processing)", within ? "yes" : $"**no** (bound {F(bound, 1)} s)"],
            ])
            .Line("The Hub's windows are fixed (aligned on the clock) and give back their whole quota when they reset, so the crawler's pacer " +
                  "spends a window's quota as fast as the crawler can use it and holds requests only once a response says none is left, until " +
                  "the window resets: no request is sent into a 429. The dictated time is the quota's average rate; the crawl can beat it when " +
                  "it starts inside a window (that window's whole quota is there for its first requests). The least time replays section 2's " +
                  "crawl speed (one page every " + F(onePage, 3) + " s) against the same windows from the same start. " +
                  $"This crawl went at {F(requests / seconds, 2)} pages/s (section 2's: {F(1 / onePage, 2)}); " +
                  (waited > 0
                      ? $"it found windows spent and waited {F(waited, 1)} s for them to reset."
                      : $"no window saw its {options.QuotaRequests} requests spent at that pace, so it never had to wait (the quota's own rate is " +
                        $"{F(options.QuotaRequests / (double)w, 2)} requests/s)."));
    }

    /// <summary>
    /// Requests of <paramref name="pageSeconds"/> each, one after another from <paramref name="start"/> (Unix seconds), under
    /// fixed windows of <paramref name="quota"/> requests per <paramref name="window"/> seconds aligned on the clock: when the
    /// last one is done, in seconds from the start.
    /// </summary>
    public static double LeastSeconds(double start, int requests, int quota, int window, double pageSeconds)
    {
        var t = start;
        var windowOf = Math.Floor(t / window);
        var used = 0;
        for (var i = 0; i < requests; i++)
        {
            if (Math.Floor(t / window) != windowOf)
            {
                windowOf = Math.Floor(t / window);
                used = 0;
            }
            if (used == quota)
            {
                windowOf++;
                t = windowOf * window;
                used = 0;
            }
            used++;
            t += pageSeconds;
        }
        return t - start;
    }

    private static string F(double v, int d = 0) => BenchSection.F(v, d);
}
