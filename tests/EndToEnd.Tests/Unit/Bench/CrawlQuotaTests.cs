using HubPlatform.Bench.Benchmarks;

namespace HubPlatform.Tests.EndToEnd.Unit.Bench;

/// <summary>The least time fixed windows allow a crawler of a given speed, which the quota section compares the crawl with.</summary>
public sealed class CrawlQuotaTests
{
    [Theory]
    // From a window's start: two 1 s requests, the quota is spent, the next window opens at 10, then again at 20.
    [InlineData(0.0, 21.0)]
    // From 8 s into a window: two requests fill its last 2 s, the next window's two take 10..12, the fifth waits for 20.
    [InlineData(8.0, 13.0)]
    public void Replays_the_crawl_speed_against_clock_aligned_windows(double start, double expected) =>
        Assert.Equal(expected, CrawlQuota.LeastSeconds(start, requests: 5, quota: 2, window: 10, pageSeconds: 1), precision: 9);

    [Fact]
    public void A_crawler_slower_than_the_quota_never_waits() =>
        Assert.Equal(50.0, CrawlQuota.LeastSeconds(3.0, requests: 10, quota: 100, window: 10, pageSeconds: 5), precision: 9);
}
