using HubPlatform.Crawler.Crawling;
using HubPlatform.Crawler.Hub;
using HubPlatform.Crawler.Infrastructure;

namespace HubPlatform.Tests.Crawler.Unit;

public class CrawlEtaTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 27, 0, 0, 0, TimeSpan.Zero);

    // 10,000 of 100,000 repos seen in 10 s: 90 s left at the rate seen.
    private static Crawl Running() => new() { Status = CrawlStatus.Running, ExpectedRepos = 100_000, Models = 10_000 };

    [Fact]
    public void Without_a_quota_the_rate_seen_decides() =>
        Assert.Equal(TimeSpan.FromSeconds(90), CrawlEta.Estimate(Running(), Start, 0, Start.AddSeconds(10), policy: null, pageSize: 1000));

    [Fact]
    public void A_quota_slower_than_the_crawler_decides()
    {
        // 90 pages left at 5 requests per 10 s: 180 s, however fast the first pages came.
        Assert.Equal(TimeSpan.FromSeconds(180), CrawlEta.Estimate(Running(), Start, 0, Start.AddSeconds(10), new RateLimitPolicy(5, 10),
            pageSize: 1000));
        // A quota faster than the crawler changes nothing.
        Assert.Equal(TimeSpan.FromSeconds(90), CrawlEta.Estimate(Running(), Start, 0, Start.AddSeconds(10), new RateLimitPolicy(1000, 10),
            pageSize: 1000));
    }

    [Fact]
    public void Unknown_before_progress_or_without_a_previous_crawl()
    {
        Assert.Null(CrawlEta.Estimate(Running(), Start, 10_000, Start.AddSeconds(10), null, 1000));
        Assert.Null(CrawlEta.Estimate(new Crawl { Status = CrawlStatus.Running, Models = 10 }, Start, 0, Start.AddSeconds(10), null, 1000));
    }
}
