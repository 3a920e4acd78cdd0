using HubPlatform.HubEmulator.Hub;
using HubPlatform.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;

namespace HubPlatform.Tests.Crawler.Integration;

/// <summary>
/// A full crawl against the emulator's fixed-window rate limit, scaled down (5 requests per 2 s
/// window) so the crawl spans several windows: the pacer spends each window's quota and waits for
/// the next one instead of sending requests into 429s.
/// </summary>
[Collection(ServersCollection.Name)]
public class CrawlerQuotaTests(CrawlerQuotaTests.QuotaHub emulator) : IClassFixture<CrawlerQuotaTests.QuotaHub>
{
    [Fact]
    public async Task A_crawl_under_the_quota_waits_for_windows_and_never_gets_a_429()
    {
        await using var rig = await CrawlerRig.StartAsync(emulator);
        var snapshot = await rig.RequestCrawlAsync();
        var crawl = await rig.WaitForCompletionAsync(snapshot);

        var completed = Assert.Single(rig.Observer.Completed);
        Assert.Equal((SampleData.SampleModels.Count, 0), ((int)completed.Models, completed.FailedPages));
        Assert.True(completed.Pages > 2 * QuotaHub.Quota, $"{completed.Pages} pages: the crawl should span several windows");
        Assert.Equal(0, rig.Hub.TooManyRequestsAnswered);
        Assert.True(crawl.GetProperty("rateLimitWaitSeconds").GetDouble() > 0, "the crawler waited for spent windows to reset");
    }

    /// <summary>The replayed sample behind a small fixed-window quota.</summary>
    public sealed class QuotaHub : WebApplicationFactory<RepoStore>
    {
        public const int Quota = 5;

        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            builder.UseReplayedSample();
            builder.UseSetting("Emulator:RateLimit:Enabled", "true");
            builder.UseSetting("Emulator:RateLimit:Api:Anonymous", Quota.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Emulator:RateLimit:WindowSeconds", "2");
        }
    }
}
