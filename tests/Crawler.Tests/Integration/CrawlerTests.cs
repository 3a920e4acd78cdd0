using System.Globalization;
using System.Text.Json;
using Npgsql;
using HubPlatform.Tests.Support;

namespace HubPlatform.Tests.Crawler.Integration;

/// <summary>The crawler against the emulator on real Postgres and RabbitMQ, with the Hub misbehaving.</summary>
[Collection(ServersCollection.Name)]
public class CrawlerTests(EmulatorFactory emulator) : IClassFixture<EmulatorFactory>
{
    private static readonly HashSet<string> SampleIds = SampleData.SampleModels.Select(m => m.GetProperty("id").GetString()!).ToHashSet();

    [Fact]
    public async Task A_crawl_pages_to_the_end_and_publishes_every_model_once()
    {
        await using var rig = await CrawlerRig.StartAsync(emulator);
        var snapshot = await rig.RequestCrawlAsync();
        var crawl = await rig.WaitForCompletionAsync(snapshot);

        // Models, datasets and spaces, a listing each.
        Assert.Equal(CrawlerRig.ListingPages, crawl.GetProperty("pages").GetInt32());
        Assert.Equal("Done", crawl.GetProperty("phase").GetString());
        AssertEveryModelOnce(rig, snapshot, SampleIds);
        var completed = Assert.Single(rig.Observer.Completed);
        Assert.Equal((SampleData.SampleModels.Count, CrawlerRig.ModelPages, (long)SampleData.SampleDatasets.Count,
            (long)SampleData.SampleSpaces.Count, CrawlerRig.ListingPages),
            ((int)completed.Models, completed.ModelPages, completed.Datasets, completed.Spaces, completed.Pages));
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
    public async Task A_crawler_killed_with_pages_read_ahead_of_a_stuck_commit_resumes_at_the_first_uncommitted_page()
    {
        const int Committed = 2, LookAhead = 2;
        await using var rig = await CrawlerRig.StartAsync(emulator,
            settings: new Dictionary<string, string?> { ["Crawler:ListingLookAhead"] = LookAhead.ToString(CultureInfo.InvariantCulture) });
        rig.Hub.HoldOnPage = Committed + 1;
        var snapshot = await rig.RequestCrawlAsync();
        await Eventually.GetAsync<int?>(async () => (await rig.CrawlAsync(snapshot)).GetProperty("pages").GetInt32(), p => p == Committed,
            TimeSpan.FromMinutes(1), $"{Committed} pages checkpointed");

        // Hold the crawl's row: the next page's commit waits on it while the reader fetches and parses on.
        await using var holder = new NpgsqlConnection(rig.Database.Admin);
        await holder.OpenAsync();
        await using var hold = await holder.BeginTransactionAsync();
        await using (var lockRow = new NpgsqlCommand($"SELECT 1 FROM crawler.crawls WHERE id = '{snapshot}' FOR UPDATE", holder, hold))
        {
            await lockRow.ExecuteScalarAsync();
        }
        rig.Hub.ReleaseHeldPage();
        // Pages past the checkpoint the crawler holds at most: the stuck one, one in each read-ahead
        // stage (fetch, parse, card backlog) and the look-ahead queued after each.
        const int MostAhead = 4 + 3 * LookAhead;
        await Eventually.GetAsync<int?>(() => Task.FromResult<int?>(rig.Hub.Requests), r => r >= Committed + MostAhead,
            TimeSpan.FromMinutes(1), "pages read ahead of the stuck commit");
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.Equal(Committed + MostAhead, rig.Hub.Requests);
        await rig.StopCrawlerAsync();
        await hold.RollbackAsync();
        await using (var checkpoint = new NpgsqlCommand($"SELECT pages FROM crawler.crawls WHERE id = '{snapshot}'", holder))
        {
            Assert.Equal(Committed, (int)(await checkpoint.ExecuteScalarAsync())!);
        }

        rig.StartCrawler();
        var crawl = await rig.WaitForCompletionAsync(snapshot);
        AssertEveryModelOnce(rig, snapshot, SampleIds);
        Assert.Equal(CrawlerRig.ListingPages, crawl.GetProperty("pages").GetInt32());
        // The resumed crawler asked for every page after the checkpoint again, the read-ahead ones included.
        Assert.Equal(CrawlerRig.ListingPages - Committed, rig.Hub.Requests);
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
        // Every listing page once and the three refused tries again.
        Assert.Equal(CrawlerRig.ListingPages + 3, rig.Hub.Requests);
    }

    [Fact]
    public async Task A_page_that_stays_malformed_is_dead_lettered_and_the_crawl_goes_on()
    {
        await using var rig = await CrawlerRig.StartAsync(emulator);
        rig.Hub.Faults = (page, _) => page == 3 ? Fault.TruncatedBody : null;
        var snapshot = await rig.RequestCrawlAsync();
        var crawl = await rig.WaitForCompletionAsync(snapshot);

        Assert.Equal(1, crawl.GetProperty("failedPages").GetInt32());
        Assert.Equal(SampleData.SampleModels.Count - CrawlerRig.PageSize, crawl.GetProperty("models").GetInt64());
        Assert.Equal(CrawlerRig.ModelPages - 1, rig.Observer.PagesOf(snapshot).Length);
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
        Assert.True(await rig.Database.CountAsync("crawler.outbox WHERE sent_at IS NULL") > CrawlerRig.ModelPages);

        proxy.Restore();
        await rig.WaitForCompletionAsync(snapshot);
        AssertEveryModelOnce(rig, snapshot, SampleIds);
    }

    [Fact]
    public async Task Overviews_of_the_busiest_authors_follow_the_listings()
    {
        const int minRepos = 10, topByDownloads = 3, perPage = 4;
        await using var rig = await CrawlerRig.StartAsync(emulator, settings: new Dictionary<string, string?>
        {
            ["Crawler:OrganizationMinRepos"] = minRepos.ToString(CultureInfo.InvariantCulture),
            ["Crawler:OrganizationTopByDownloads"] = topByDownloads.ToString(CultureInfo.InvariantCulture),
            ["Crawler:MaxOrganizations"] = "1000",
            ["Crawler:OrganizationsPerPage"] = perPage.ToString(CultureInfo.InvariantCulture),
        });
        // Computed from the raw sample (models, datasets and spaces, as the snapshot saw them), not with the crawler's code.
        static string AuthorOf(JsonElement r) => r.TryGetProperty("author", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString()!
            : r.GetProperty("id").GetString()!.Split('/')[0];
        var modelsOf = SampleData.SampleModels.GroupBy(AuthorOf).ToDictionary(g => g.Key, g => g.Count());
        var byAuthor = SampleData.SampleModels.Concat(SampleData.SampleDatasets).Concat(SampleData.SampleSpaces)
            .GroupBy(AuthorOf)
            .Select(g => (Author: g.Key, Repos: g.Count(), Downloads: g.Sum(r => r.TryGetProperty("downloads", out var d)
                && d.ValueKind == JsonValueKind.Number ? d.GetInt64() : 0)))
            .ToList();
        var top = byAuthor.OrderByDescending(a => a.Downloads).ThenBy(a => a.Author, StringComparer.Ordinal).Take(topByDownloads)
            .Select(a => a.Author).ToHashSet();
        var expectedAuthors = byAuthor.Where(a => a.Repos >= minRepos || top.Contains(a.Author))
            .ToDictionary(a => a.Author, a => (long)modelsOf.GetValueOrDefault(a.Author));

        var snapshot = await rig.RequestCrawlAsync();
        await rig.WaitForCompletionAsync(snapshot);

        var overviews = rig.Observer.OrganizationPages.Where(p => p.Page.SnapshotId == snapshot).DistinctBy(p => p.MessageId).Select(p => p.Page)
            .ToArray();
        Assert.All(overviews, p => Assert.InRange(p.Authors.Count, 1, perPage));
        var authors = overviews.SelectMany(p => p.Authors).ToList();
        Assert.Equal(expectedAuthors.Keys.Order(StringComparer.Ordinal), authors.Select(a => a.Name).Order(StringComparer.Ordinal));
        Assert.All(authors, a => Assert.Equal(expectedAuthors[a.Name], a.NumModels));

        var completed = Assert.Single(rig.Observer.Completed);
        Assert.Equal((overviews.Length, 0), (completed.OrganizationPages, completed.CardPages));
        Assert.Equal(CrawlerRig.ListingPages + overviews.Length, completed.Pages);
        // One page sequence across kinds: no two events of the snapshot share a number.
        var numbers = rig.Observer.PagesOf(snapshot).Select(p => p.Page).Concat(overviews.Select(p => p.Page)).ToList();
        Assert.Equal(numbers.Count, numbers.Distinct().Count());
    }

    [Fact]
    public async Task A_crawler_killed_while_fetching_overviews_resumes_after_the_last_committed_batch()
    {
        await using var rig = await CrawlerRig.StartAsync(emulator, settings: new Dictionary<string, string?>
        {
            ["Crawler:OrganizationMinRepos"] = "1",
            ["Crawler:MaxOrganizations"] = "1000",
            ["Crawler:OrganizationsPerPage"] = "10",
        });
        // Authors of every repo type: an overview is asked for per author, whatever they publish.
        var authors = SampleData.SampleModels.Concat(SampleData.SampleDatasets).Concat(SampleData.SampleSpaces)
            .Select(r => r.TryGetProperty("author", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString()!
                : r.GetProperty("id").GetString()!.Split('/')[0])
            .Distinct().Order(StringComparer.Ordinal).ToArray();
        // The 25th author in the crawler's order: two pages of overviews are committed, the third hangs.
        var stuckOn = authors[24];
        rig.Hub.HangOnPath = path => path == $"/api/organizations/{Uri.EscapeDataString(stuckOn)}/overview";
        var snapshot = await rig.RequestCrawlAsync();
        var stuck = await Eventually.GetAsync<JsonElement?>(async () => await rig.CrawlAsync(snapshot),
            c => c!.Value.GetProperty("pagesByKind").GetProperty("organizations").GetInt32() == 2, TimeSpan.FromMinutes(1), "two pages of overviews");
        Assert.Equal("Organizations", stuck!.Value.GetProperty("phase").GetString());
        await rig.StopCrawlerAsync();

        rig.StartCrawler();
        await rig.WaitForCompletionAsync(snapshot);
        var pages = rig.Observer.OrganizationPages.Where(p => p.Page.SnapshotId == snapshot).DistinctBy(p => p.MessageId).Select(p => p.Page)
            .ToArray();
        Assert.Equal(pages.Length, pages.Select(p => p.Page).Distinct().Count());
        Assert.Equal(authors, pages.SelectMany(p => p.Authors).Select(a => a.Name).Order(StringComparer.Ordinal));
        // The restarted crawler began with the third batch: it asked for none of the first twenty authors again.
        Assert.DoesNotContain(rig.Hub.Paths, p => authors.Take(20).Any(a => p == $"/api/organizations/{Uri.EscapeDataString(a)}/overview"));
    }

    /// <summary>
    /// Each page arrived downstream once (a re-relayed page would carry the same MessageId), and together they hold each model once.
    /// </summary>
    private static void AssertEveryModelOnce(CrawlerRig rig, Guid snapshot, HashSet<string> expected)
    {
        var pages = rig.Observer.Pages.Where(p => p.Page.SnapshotId == snapshot).DistinctBy(p => p.MessageId).Select(p => p.Page).ToArray();
        Assert.Equal(pages.Length, pages.Select(p => p.Page).Distinct().Count());
        var ids = pages.SelectMany(p => p.Models).Select(m => m.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(expected.Order(StringComparer.Ordinal), ids.Order(StringComparer.Ordinal));
    }
}
