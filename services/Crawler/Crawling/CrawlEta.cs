using HubPlatform.Crawler.Hub;
using HubPlatform.Crawler.Infrastructure;
using Microsoft.Extensions.Options;

namespace HubPlatform.Crawler.Crawling;

/// <summary>
/// How long a running crawl's listings have left: the repos the previous crawl of its kind saw,
/// minus those seen so far, at the rate seen since a start, and never sooner than the Hub's quota
/// (as its <c>RateLimit-Policy</c> states it) lets the pages left be asked for: early in a crawl the
/// rate seen is the crawler's own, before any window ran out. Unknown for a first crawl, before
/// any progress, or once the listings passed the previous count.
/// </summary>
public sealed class CrawlEta(RateLimitPacer pacer, IOptions<CrawlerOptions> options, TimeProvider time)
{
    public TimeSpan? Estimate(Crawl crawl, DateTimeOffset since, long reposAtSince) =>
        Estimate(crawl, since, reposAtSince, time.GetUtcNow(), pacer.Policy, options.Value.PageSize);

    public static TimeSpan? Estimate(Crawl crawl, DateTimeOffset since, long reposAtSince, DateTimeOffset now, RateLimitPolicy? policy, int pageSize)
    {
        var seen = crawl.Models + crawl.Datasets + crawl.Spaces;
        var elapsed = (now - since).TotalSeconds;
        var rate = elapsed > 0 ? (seen - reposAtSince) / elapsed : 0;
        if (crawl.Status != CrawlStatus.Running || crawl.ExpectedRepos is not { } expected || rate <= 0)
        {
            return null;
        }
        var left = Math.Max(expected - seen, 0);
        var seconds = left / rate;
        if (policy is { } quota)
        {
            seconds = Math.Max(seconds, Math.Ceiling(left / (double)Math.Max(pageSize, 1)) / quota.RequestsPerSecond);
        }
        return TimeSpan.FromSeconds(seconds);
    }
}
