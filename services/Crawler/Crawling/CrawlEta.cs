using HubPlatform.Crawler.Infrastructure;

namespace HubPlatform.Crawler.Crawling;

/// <summary>
/// How long a running crawl's listings have left: the repos the previous crawl of its kind saw,
/// minus those seen so far, at the rate seen since <paramref name="since"/>. Unknown for a first
/// crawl, before any progress, or once the listings passed the previous count.
/// </summary>
public static class CrawlEta
{
    public static TimeSpan? Estimate(Crawl crawl, DateTimeOffset since, long reposAtSince, DateTimeOffset now)
    {
        var seen = crawl.Models + crawl.Datasets + crawl.Spaces;
        var elapsed = (now - since).TotalSeconds;
        var rate = elapsed > 0 ? (seen - reposAtSince) / elapsed : 0;
        if (crawl.Status != CrawlStatus.Running || crawl.ExpectedRepos is not { } expected || rate <= 0)
        {
            return null;
        }
        return expected > seen ? TimeSpan.FromSeconds((expected - seen) / rate) : TimeSpan.Zero;
    }
}
