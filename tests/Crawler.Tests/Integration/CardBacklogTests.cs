using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using HubPlatform.HubEmulator.Hub;
using HubPlatform.Search.Infrastructure;
using HubPlatform.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using Xunit.Abstractions;

namespace HubPlatform.Tests.Crawler.Integration;

/// <summary>
/// The card backlog against the replayed sample (1,109 models with their real cards, 299
/// datasets without): every card through <c>/resolve/</c>, 404s remembered, nothing fetched again
/// while shas stand still, and a crawler killed mid-backlog losing and repeating no card.
/// </summary>
[Collection(ServersCollection.Name)]
public class CardBacklogTests(EmulatorFactory emulator, CardBacklogTests.QuotaHub quotaHub, ITestOutputHelper output)
    : IClassFixture<EmulatorFactory>, IClassFixture<CardBacklogTests.QuotaHub>
{
    private static readonly Dictionary<string, string> Readmes = SharedData.HasCards
        ? File.ReadLines(SharedData.Cards).Select(l => JsonDocument.Parse(l).RootElement)
            .ToDictionary(c => c.GetProperty("id").GetString()!, c => c.GetProperty("readme").GetString()!)
        : [];

    private static readonly Dictionary<string, string?> Cards = new()
    {
        ["Crawler:FetchCards"] = "true",
        ["Crawler:CardsPerBatch"] = "50",
        ["Crawler:CardConcurrency"] = "8",
        ["Crawler:CardPoll"] = "00:00:00.2",
    };

    [NeedsSharedDataFact(SharedNeed.Cards)]
    public async Task Every_model_and_dataset_card_is_read_once_through_resolve_and_404s_are_remembered()
    {
        await using var rig = await CrawlerRig.StartAsync(emulator,
            settings: new Dictionary<string, string?>(Cards) { ["Crawler:MaxCardPageBytes"] = "40000" });
        var missing = SampleData.SampleModels[SampleData.SampleModels.Count / 2].GetProperty("id").GetString()!;
        rig.Hub.MissingCards.Add(missing);

        var snapshot = await rig.RequestCrawlAsync();
        await rig.WaitForCompletionAsync(snapshot);
        var coverage = await WaitForBacklogAsync(rig);

        var models = SampleData.SampleModels.Count;
        var datasets = SampleData.SampleDatasets.Count;
        Assert.Equal((models + datasets, models, datasets, models + datasets, 0L),
            (coverage.Repos, coverage.Models, coverage.Datasets, coverage.Read, coverage.Failing));
        // The sample's datasets have no card in the emulator, and one model's README is gone: 404s, counted as such.
        Assert.Equal((models - 1L, datasets + 1L), (coverage.WithReadme, coverage.WithoutReadme));

        var pages = await WaitForCardsAsync(rig, models - 1);
        Assert.All(pages, p => Assert.True(p.Bytes < 1024 * 1024, $"a cards message of {p.Bytes} bytes"));
        var cards = pages.SelectMany(p => p.Page.Cards.Select(c => (p.Page, Card: c))).ToList();
        Assert.Equal(cards.Count, cards.Select(c => c.Card.Id).Distinct().Count());
        Assert.Equal(SampleData.SampleModels.Select(m => m.GetProperty("id").GetString()!).Where(id => id != missing).Order(StringComparer.Ordinal),
            cards.Select(c => c.Card.Id).Order(StringComparer.Ordinal));
        // Cards longer than Crawler:MaxCardChars (50,000 by default) are cut there; each carries the sha the listing saw.
        var shas = SampleData.SampleModels.ToDictionary(m => m.GetProperty("id").GetString()!, m => m.GetProperty("sha").GetString());
        Assert.All(cards, c => Assert.Equal((Readmes[c.Card.Id][..Math.Min(Readmes[c.Card.Id].Length, 50_000)], shas[c.Card.Id], snapshot),
            (c.Card.Text, c.Card.Sha, c.Page.SnapshotId)));
        Assert.Equal(pages.Length, pages.Select(p => p.Page.Page).Distinct().Count());
        Assert.DoesNotContain(rig.Hub.Paths, p => p.Contains("/raw/", StringComparison.Ordinal));
        Assert.Equal(models + datasets, rig.Hub.Paths.Count(p => p.EndsWith("/resolve/main/README.md", StringComparison.Ordinal)));

        // A second snapshot lists the same shas: no card is due, none is asked for again, 404s included.
        await rig.WaitForCompletionAsync(await rig.RequestCrawlAsync());
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(0, (await CoverageAsync(rig)).Backlog);
        Assert.Equal(models + datasets, rig.Hub.Paths.Count(p => p.EndsWith("/resolve/main/README.md", StringComparison.Ordinal)));
        Assert.Equal(pages.Length, rig.Observer.CardPages.DistinctBy(p => p.MessageId).Count());
    }

    /// <summary>
    /// A commit moves one model's sha: the next crawl lists the new sha, so that card, and only that one,
    /// is read again, sent downstream once for the new sha, and its new words are what search finds. The
    /// test changes a repo, so it has an emulator of its own; a search service on the crawler's broker
    /// takes the cards as the platform's does.
    /// </summary>
    [Fact]
    public async Task A_card_is_read_again_when_its_repos_sha_moved_and_its_new_text_reaches_search()
    {
        await using var hub = new EmulatorFactory();
        await using var rig = await CrawlerRig.StartAsync(hub, settings: Cards);
        await using var search = new ServiceHost<SearchDbContext>("search", rig.Database, rig.VirtualHost, SearchHost.Settings);
        var searchApi = search.CreateClient(); // started before the crawl, so its queues get every page
        await rig.WaitForCompletionAsync(await rig.RequestCrawlAsync());
        await WaitForBacklogAsync(rig);
        var models = SampleData.SampleModels.Count;
        await WaitForCardsAsync(rig, models);
        var readBefore = rig.Hub.Paths.Count(IsReadme);

        var id = SampleData.SampleModels[models / 3].GetProperty("id").GetString()!;
        var oldSha = SampleData.SampleModels[models / 3].GetProperty("sha").GetString();
        const string readme = "# Quokka limericks\n\nThis model writes limericks about quokkas, in Esperanto.";
        using var commit = await hub.CreateClient().PutAsync($"/admin/models/{id}/readme", new StringContent(readme));
        commit.EnsureSuccessStatusCode();
        var newSha = (await commit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sha").GetString()!;
        Assert.NotEqual(oldSha, newSha);

        var second = await rig.RequestCrawlAsync();
        await rig.WaitForCompletionAsync(second);
        await WaitForCardsAsync(rig, models + 1);
        Assert.Equal(0, (await WaitForBacklogAsync(rig)).Backlog);
        await Task.Delay(TimeSpan.FromSeconds(1)); // a card asked for by mistake would show by now

        // Exactly one README asked for again: the committed one, at the new sha, downstream once.
        Assert.Equal([$"/{id}/resolve/main/README.md"], rig.Hub.Paths.Where(IsReadme).Skip(readBefore));
        var sent = rig.Observer.CardPages.DistinctBy(p => p.MessageId).SelectMany(p => p.Page.Cards.Select(c => (p.Page.SnapshotId, Card: c)))
            .ToList();
        Assert.Equal(models + 1, sent.Count);
        var again = Assert.Single(sent, c => c.Card.Sha == newSha);
        Assert.Equal((id, readme, second), (again.Card.Id, again.Card.Text, again.SnapshotId));
        Assert.Equal(2, sent.Count(c => c.Card.Id == id));

        // Search holds the new card at the new sha, and finds the repo by its new words (full text and meaning).
        await Eventually.GetAsync(async () => (await rig.Database.QueryAsync<string>($"SELECT sha FROM search.cards WHERE id = '{id}'"))
            .SingleOrDefault(),
            sha => sha == newSha, TimeSpan.FromMinutes(1), "search to store the new card");
        foreach (var mode in new[] { "keyword", "semantic" })
        {
            var first = await Eventually.GetAsync(async () =>
                (await SearchHost.Json(searchApi, $"/api/search?q=limericks%20about%20quokkas&k=3&mode={mode}"))?
                    .GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("id").GetString()).FirstOrDefault(),
                hit => hit == id, SearchHost.Patience, $"{mode} search to find {id} first by its new card");
            Assert.Equal(id, first);
        }

        static bool IsReadme(string path) => path.EndsWith("/resolve/main/README.md", StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_crawler_killed_mid_backlog_resumes_it_and_loses_or_repeats_no_card()
    {
        await using var rig = await CrawlerRig.StartAsync(emulator, settings: Cards);
        // Two batches of 50 get through; the third hangs part-way, uncommitted.
        var asked = 0;
        rig.Hub.HangOnPath = path => path.EndsWith("/resolve/main/README.md", StringComparison.Ordinal) && Interlocked.Increment(ref asked) > 120;
        var snapshot = await rig.RequestCrawlAsync();
        await rig.WaitForCompletionAsync(snapshot);
        var stuck = await Eventually.GetAsync<CardsCoverage?>(async () => await CoverageAsync(rig), c => c!.Read == 100, TimeSpan.FromMinutes(1),
            "two batches of cards committed");
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.Equal(100, (await CoverageAsync(rig)).Read);
        await rig.StopCrawlerAsync();

        rig.Hub.HangOnPath = null;
        rig.StartCrawler();
        var coverage = await WaitForBacklogAsync(rig);
        var expected = SampleData.SampleModels.Count + SampleData.SampleDatasets.Count;
        Assert.Equal((expected, (long)expected), (coverage.Repos, coverage.Read));
        // Without the shared cards every model has a card made from its metadata; with them, every sample model has its real one.
        var pages = await WaitForCardsAsync(rig, SampleData.SampleModels.Count);
        var ids = pages.SelectMany(p => p.Page.Cards).Select(c => c.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(SampleData.SampleModels.Select(m => m.GetProperty("id").GetString()!).Order(StringComparer.Ordinal),
            ids.Order(StringComparer.Ordinal));
        Assert.NotNull(stuck);
    }

    /// <summary>
    /// The card quota measured: the sample's listings under a small api quota and its cards under a
    /// small resolvers quota, at once. Cards arrive at the resolvers quota's rate, no request meets a
    /// 429, and the listings finish while the card backlog is still being worked: neither waits for
    /// the other's quota. Prints the numbers docs/BENCHMARKS.md quotes.
    /// </summary>
    [Fact]
    public async Task Cards_are_paced_by_the_resolvers_quota_beside_listings_paced_by_the_api_quota()
    {
        await using var rig = await CrawlerRig.StartAsync(quotaHub,
            settings: new Dictionary<string, string?>(Cards) { ["Crawler:CardsPerBatch"] = "100", ["Crawler:CardConcurrency"] = "16" });
        var clock = Stopwatch.StartNew();
        var snapshot = await rig.RequestCrawlAsync();
        var crawl = await rig.WaitForCompletionAsync(snapshot);
        var listingsSeconds = clock.Elapsed.TotalSeconds;
        // Coverage counts the backlog as it is measured, a moment behind the listings' commits: read it once it knows every repo.
        var atListingsEnd = (await Eventually.GetAsync<CardsCoverage?>(async () => await CoverageAsync(rig),
            c => c!.Repos == SampleData.SampleModels.Count + SampleData.SampleDatasets.Count, TimeSpan.FromSeconds(20),
            "the backlog to know every repo"))!;
        var coverage = await WaitForBacklogAsync(rig, TimeSpan.FromMinutes(4));
        var cardsSeconds = clock.Elapsed.TotalSeconds;

        var cards = SampleData.SampleModels.Count + SampleData.SampleDatasets.Count;
        var quotaRate = (double)QuotaHub.Resolvers / QuotaHub.WindowSeconds;
        var rate = cards / cardsSeconds;
        output.WriteLine($"listings: {CrawlerRig.ListingPages} pages in {listingsSeconds:F1} s "
            + $"(api quota {QuotaHub.Api}/{QuotaHub.WindowSeconds} s), api waits {crawl.GetProperty("rateLimitWaitSeconds").GetDouble():F1} s; "
            + $"cards read when the listings were done: {atListingsEnd.Read}");
        output.WriteLine($"cards: {cards} in {cardsSeconds:F1} s = {rate:F2}/s; resolvers quota {QuotaHub.Resolvers}/{QuotaHub.WindowSeconds} s = "
            + $"{quotaRate:F2}/s; ratio {rate / quotaRate:F3}; 429s {rig.Hub.TooManyRequestsAnswered}; ETA basis {coverage.EtaBasis}, "
            + $"quota seen {coverage.ResolversQuotaPerSecond:F2}/s");

        Assert.Equal(0, rig.Hub.TooManyRequestsAnswered);
        Assert.Equal(quotaRate, coverage.ResolversQuotaPerSecond!.Value, 6);
        // The quota, not the crawler, set the pace: never faster, and within the windows' rounding of it.
        Assert.InRange(rate, 0.6 * quotaRate, 1.2 * quotaRate);
        // The listings did not wait for the cards: they were done while most cards were still due.
        Assert.True(atListingsEnd.Backlog > cards / 2, $"{atListingsEnd.Backlog} cards due when the listings finished");
        Assert.True(listingsSeconds < cardsSeconds / 2);
    }

    private static async Task<CardsCoverage> CoverageAsync(CrawlerRig rig) =>
        (await rig.Api.GetFromJsonAsync<CardsCoverage>("/api/crawls/cards"))!;

    private static async Task<CardsCoverage> WaitForBacklogAsync(CrawlerRig rig, TimeSpan? patience = null) =>
        (await Eventually.GetAsync<CardsCoverage?>(async () => await CoverageAsync(rig), c => c!.Repos > 0 && c.Backlog == 0,
            patience ?? TimeSpan.FromMinutes(2), "the card backlog to be worked off"))!;

    /// <summary>
    /// Card pages downstream, each once (a re-relayed page carries the same MessageId), once they hold <paramref name="cards"/> cards.
    /// </summary>
    private static async Task<(Guid MessageId, HubPlatform.Contracts.CardsFetched Page, long Bytes)[]> WaitForCardsAsync(CrawlerRig rig, int cards)
    {
        await Eventually.GetAsync<int?>(() => Task.FromResult<int?>(rig.Observer.CardPages.DistinctBy(p => p.MessageId).Sum(p => p.Page.Cards.Count)),
            n => n >= cards, TimeSpan.FromMinutes(1), $"{cards} cards downstream");
        return rig.Observer.CardPages.DistinctBy(p => p.MessageId).ToArray();
    }

    public sealed record CardsCoverage(long Repos, long Models, long Datasets, long Read, long WithReadme, long WithoutReadme, long Backlog,
        long Failing, double? ResolversQuotaPerSecond, double? FetchedPerSecond, double? EtaHours, string? EtaBasis);

    /// <summary>The replayed sample behind small quotas: 10 api requests and 100 resolvers requests per 4 s window.</summary>
    public sealed class QuotaHub : WebApplicationFactory<RepoStore>
    {
        public const int Api = 10, Resolvers = 100, WindowSeconds = 4;

        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            builder.UseReplayedSample();
            builder.UseSetting("Emulator:RateLimit:Enabled", "true");
            builder.UseSetting("Emulator:RateLimit:Api:Anonymous", Api.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Emulator:RateLimit:Resolvers:Anonymous", Resolvers.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Emulator:RateLimit:WindowSeconds", WindowSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
