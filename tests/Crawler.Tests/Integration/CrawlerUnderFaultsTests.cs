using HubPlatform.HubEmulator.Hub;
using HubPlatform.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;

namespace HubPlatform.Tests.Crawler.Integration;

/// <summary>
/// A full crawl while the emulator misbehaves in every way it can, all at once: added latency,
/// a share of 503s, truncated and malformed JSON bodies, dropped connections and a rate limit so
/// small that 429s come in storms. The snapshot must still complete, and be complete.
/// </summary>
[Collection(ServersCollection.Name)]
public class CrawlerUnderFaultsTests(CrawlerUnderFaultsTests.MisbehavingHub emulator) : IClassFixture<CrawlerUnderFaultsTests.MisbehavingHub>
{
    [Fact]
    public async Task A_full_crawl_through_every_injected_fault_completes_with_every_model_once()
    {
        await using var rig = await CrawlerRig.StartAsync(emulator, settings: new Dictionary<string, string?>
        {
            // Faults land on any request, retries included: give a page enough tries to get through.
            ["Crawler:MaxAttemptsPerPage"] = "12",
        });
        var snapshot = await rig.RequestCrawlAsync();
        var crawl = await rig.WaitForCompletionAsync(snapshot);

        Assert.Equal(0, crawl.GetProperty("failedPages").GetInt32());
        var completed = Assert.Single(rig.Observer.Completed);
        Assert.Equal((SampleData.SampleModels.Count, 0), ((int)completed.Models, completed.FailedPages));

        var pages = rig.Observer.Pages.Where(p => p.Page.SnapshotId == snapshot).DistinctBy(p => p.MessageId).Select(p => p.Page).ToArray();
        Assert.Equal(pages.Length, pages.Select(p => p.Page).Distinct().Count());
        var ids = pages.SelectMany(p => p.Models).Select(m => m.Id).ToList();
        Assert.Equal(SampleData.SampleModels.Select(m => m.GetProperty("id").GetString()!).Order(StringComparer.Ordinal),
            ids.Order(StringComparer.Ordinal));
        // The faults did happen: the Hub client saw more requests than there are pages.
        Assert.True(rig.Hub.Requests > completed.Pages + 5, $"{rig.Hub.Requests} requests for {completed.Pages} pages: were faults injected?");
    }

    /// <summary>The replayed sample behind every fault the emulator can inject.</summary>
    public sealed class MisbehavingHub : WebApplicationFactory<RepoStore>
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            builder.UseReplayedSample();
            builder.UseSetting("Emulator:Faults:LatencyMs", "15");
            builder.UseSetting("Emulator:Faults:ErrorRate", "0.15");
            builder.UseSetting("Emulator:Faults:TruncateEveryNth", "7");
            builder.UseSetting("Emulator:Faults:MalformedEveryNth", "9");
            builder.UseSetting("Emulator:Faults:DropEveryNth", "11");
            builder.UseSetting("Emulator:Faults:Seed", "5");
            builder.UseSetting("Emulator:RateLimit:Enabled", "true");
            builder.UseSetting("Emulator:RateLimit:Api:Anonymous", "6");
            builder.UseSetting("Emulator:RateLimit:WindowSeconds", "2");
        }
    }
}
