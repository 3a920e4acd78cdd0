using HubPlatform.Tests.Support;

namespace HubPlatform.Tests.Integration;

/// <summary>The crawler against the emulator on real Postgres and RabbitMQ, with the Hub misbehaving.</summary>
[Collection(ServersCollection.Name)]
public class CrawlerTests(EmulatorFactory emulator) : IClassFixture<EmulatorFactory>
{
    private static readonly HashSet<string> SampleIds = SharedData.SampleModels.Select(m => m.GetProperty("id").GetString()!).ToHashSet();

    [Fact]
    public async Task A_crawl_pages_to_the_end_and_publishes_every_model_once()
    {
        await using var rig = await CrawlerRig.StartAsync(emulator);
        var snapshot = await rig.RequestCrawlAsync();
        var crawl = await rig.WaitForCompletionAsync(snapshot);

        Assert.Equal(CrawlerRig.SamplePages, crawl.GetProperty("pages").GetInt32());
        AssertEveryModelOnce(rig, snapshot, SampleIds);
        var completed = Assert.Single(rig.Observer.Completed);
        Assert.Equal((SharedData.SampleModels.Count, CrawlerRig.SamplePages), ((int)completed.Models, completed.ModelPages));
    }

    [Fact]
    public async Task A_crawler_killed_mid_crawl_resumes_at_its_checkpoint_and_loses_or_repeats_no_page()
    {
        await using var rig = await CrawlerRig.StartAsync(emulator);
        rig.Hub.HangOnPage = 5;
        var snapshot = await rig.RequestCrawlAsync();
        await Eventually.GetAsync<int?>(async () => (await rig.CrawlAsync(snapshot)).GetProperty("pages").GetInt32(), p => p == 4,
            TimeSpan.FromMinutes(1), "four pages checkpointed");
        await rig.StopCrawlerAsync();

        rig.StartCrawler();
        await rig.WaitForCompletionAsync(snapshot);
        AssertEveryModelOnce(rig, snapshot, SampleIds);
    }

    [Fact]
    public async Task Rate_limits_and_server_errors_are_waited_out_and_retried()
    {
        await using var rig = await CrawlerRig.StartAsync(emulator);
        rig.Hub.Faults = (page, attempt) => (page, attempt) switch
        {
            (3, 1) => Fault.TooManyRequests,
            (5, <= 2) => Fault.ServerError,
            _ => null,
        };
        var snapshot = await rig.RequestCrawlAsync();
        var crawl = await rig.WaitForCompletionAsync(snapshot);

        AssertEveryModelOnce(rig, snapshot, SampleIds);
        Assert.Equal(0, crawl.GetProperty("failedPages").GetInt32());
        Assert.True(crawl.GetProperty("rateLimitWaitSeconds").GetDouble() >= 0.9, "the 429's Retry-After was waited");
        Assert.Equal(CrawlerRig.SamplePages + 3, rig.Hub.Requests);
    }

    [Fact]
    public async Task A_page_that_stays_malformed_is_dead_lettered_and_the_crawl_goes_on()
    {
        await using var rig = await CrawlerRig.StartAsync(emulator);
        rig.Hub.Faults = (page, _) => page == 3 ? Fault.TruncatedBody : null;
        var snapshot = await rig.RequestCrawlAsync();
        var crawl = await rig.WaitForCompletionAsync(snapshot);

        Assert.Equal(1, crawl.GetProperty("failedPages").GetInt32());
        Assert.Equal(SharedData.SampleModels.Count - CrawlerRig.PageSize, crawl.GetProperty("models").GetInt64());
        Assert.Equal(CrawlerRig.SamplePages - 1, rig.Observer.PagesOf(snapshot).Length);
        Assert.Equal(1, await rig.Database.CountAsync($"crawler.failed_pages WHERE crawl_id = '{snapshot}'"));
    }

    [Fact]
    public async Task Repos_gone_since_the_previous_full_snapshot_are_published_as_removed()
    {
        await using var rig = await CrawlerRig.StartAsync(emulator);
        await rig.WaitForCompletionAsync(await rig.RequestCrawlAsync());

        string[] gone = ["microsoft/phi-2", "AI8191/phi-2-role-play", "google/gemma-7b"];
        rig.Hub.Hidden.UnionWith(gone);
        var second = await rig.RequestCrawlAsync();
        await rig.WaitForCompletionAsync(second);

        var removed = Assert.Single(rig.Observer.Removed);
        Assert.Equal(second, removed.SnapshotId);
        Assert.Equal(gone.Order(StringComparer.Ordinal), removed.Ids.Order(StringComparer.Ordinal));
        AssertEveryModelOnce(rig, second, SampleIds.Except(gone).ToHashSet());
    }

    [Fact]
    public async Task A_broker_outage_during_a_crawl_delays_events_but_loses_none()
    {
        var broker = TestServers.RabbitMq;
        await using var proxy = new TcpProxy(broker.Host, broker.Port);
        await using var rig = await CrawlerRig.StartAsync(emulator, proxy.Port);

        proxy.Cut();
        var snapshot = await rig.RequestCrawlAsync();
        await Eventually.GetAsync<string?>(async () => (await rig.CrawlAsync(snapshot)).GetProperty("status").GetString(),
            s => s == "Completed", TimeSpan.FromMinutes(1), "the crawl to finish while the broker is unreachable");
        Assert.Empty(rig.Observer.PagesOf(snapshot));
        Assert.True(await rig.Database.CountAsync("crawler.outbox WHERE sent_at IS NULL") > CrawlerRig.SamplePages);

        proxy.Restore();
        await rig.WaitForCompletionAsync(snapshot);
        AssertEveryModelOnce(rig, snapshot, SampleIds);
    }

    /// <summary>Each page arrived downstream once (a re-relayed page would carry the same MessageId), and together they hold each model once.</summary>
    private static void AssertEveryModelOnce(CrawlerRig rig, Guid snapshot, HashSet<string> expected)
    {
        var pages = rig.Observer.Pages.Where(p => p.Page.SnapshotId == snapshot).DistinctBy(p => p.MessageId).Select(p => p.Page).ToArray();
        Assert.Equal(pages.Length, pages.Select(p => p.Page).Distinct().Count());
        var ids = pages.SelectMany(p => p.Models).Select(m => m.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(expected.Order(StringComparer.Ordinal), ids.Order(StringComparer.Ordinal));
    }
}
