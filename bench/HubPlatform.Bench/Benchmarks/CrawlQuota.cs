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

        // The quota's rate: q requests per w seconds, so N requests need N·w/q seconds however they are spread.
        var w = options.QuotaWindowSeconds;
        var quotaRate = requests * (double)w / options.QuotaRequests;
        // The least a fixed window allows: request i (0-based) is served no earlier than window floor(t0/w) + floor(i/q) opens.
        var t0 = startedAt.ToUnixTimeMilliseconds() / 1000.0;
        var lastWindowOpens = (Math.Floor(t0 / w) + Math.Floor((requests - 1) / (double)options.QuotaRequests)) * w - t0;
        // Issue #4's bound: the quota's time plus at most one page's own processing (a page of the unlimited crawl).
        var onePage = unlimited.CrawlSeconds / Math.Max(unlimited.Pages, 1);
        var bound = quotaRate + onePage;
        var within = seconds <= bound;
        section.Number("crawlSeconds", seconds).Number("dictatedSeconds", quotaRate).Number("requests", requests)
            .Number("crawlToDictatedRatio", seconds / quotaRate).Number("withinQuotaBound", within ? 1 : 0);
        section.Line($"Emulator restarted with `Emulator:RateLimit:Enabled=true`, {options.QuotaRequests} requests per {w} s window " +
                     (options.Quick ? "(scaled down for quick mode; the Hub's free quota is 1000 per 300 s)" : "(the Hub's free quota)") + ", same hub, one crawl.")
            .Line()
            .Table(["measure", "value"],
            [
                ["requests (pages)", F(requests)],
                ["**dictated time**: the quota's rate (requests × window ÷ quota), s", F(quotaRate, 1)],
                ["**measured time** with the quota, s", F(seconds, 1)],
                ["**measured ÷ dictated**", $"**{F(seconds / quotaRate, 3)}**"],
                ["crawl time without the quota (section 2), s", F(unlimited.CrawlSeconds, 1)],
                ["one page's processing (section 2's time ÷ its pages), s", F(onePage, 3)],
                ["least time fixed windows allow (the last request's window opens), s", F(Math.Max(lastWindowOpens, 0), 1)],
                ["crawler's own count of rate-limit waits, s", F(waited, 1)],
                ["no longer than the quota dictates (≤ dictated time + one page's processing)", within ? "yes" : $"**no** (bound {F(bound, 1)} s)"],
            ])
            .Line("The crawler's pacer spreads requests evenly over what is left of each window (`t/r` apart) rather than spending the quota " +
                  "and waiting at a 429; so it keeps the quota's rate, and a crawl that needs less than a window's quota still takes the window. " +
                  "Requests leave at that rate while earlier pages are parsed and committed (`Crawler:ListingLookAhead`), so the crawl's own work " +
                  "adds about one page to the quota's time instead of one page per request.");
    }

    private static string F(double v, int d = 0) => BenchSection.F(v, d);
}
