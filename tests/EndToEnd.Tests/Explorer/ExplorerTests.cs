using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using HubPlatform.Tests.EndToEnd.Platform;
using HubPlatform.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HubPlatform.Tests.EndToEnd.Explorer;

/// <summary>
/// The web explorer in headless chromium against the running platform (the real AppHost crawling
/// the real sample): each tool shows the sample's numbers, computed here from the raw models;
/// filters change the chart and the URL; the tree expands; search finds. Each test saves its
/// tool's screenshot to docs/screenshots/.
/// </summary>
[Collection(EndToEndCollection.Name)]
public class ExplorerTests(PlatformFixture platform, ExplorerBrowser browser) : IClassFixture<ExplorerBrowser>
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);
    private static readonly IReadOnlyList<JsonElement> Models = SampleData.SampleModels;
    private static readonly IReadOnlyDictionary<string, HashSet<string>> Parents = IndependentLineage.ParentsByModel(Models);

    [Fact]
    public async Task The_gateway_serves_the_explorer_at_the_root_without_shadowing_the_api()
    {
        using var root = await platform.Gateway.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, root.StatusCode);
        Assert.Equal("text/html", root.Content.Headers.ContentType?.MediaType);
        var csp = root.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.DoesNotContain("unsafe-eval", csp);

        // A client route is the app; the reference, the document and health stay theirs; an unknown API path is not the app.
        foreach (var route in new[] { "/modelverse", "/lineage", "/search" })
        {
            using var page = await platform.Gateway.GetAsync(route + "?q=x");
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        }
        using (var reference = await platform.Gateway.GetAsync("/scalar/v1"))
        {
            Assert.Equal(HttpStatusCode.OK, reference.StatusCode);
        }
        using (var document = await platform.Gateway.GetAsync("/openapi/v1.json"))
        {
            Assert.Equal("application/json", document.Content.Headers.ContentType?.MediaType);
        }
        foreach (var path in new[] { "/api/v1/no-such-area", "/api/no-such-area", "/no-such-page" })
        {
            using var response = await platform.Gateway.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.NotEqual("text/html", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task Base_model_explorer_shows_the_phi_2_family_expands_a_level_and_ranks_base_models()
    {
        await Until("/api/v1/lineage/microsoft/phi-2",
            t => t.GetProperty("descendants").GetProperty("total").GetInt64() == IndependentLineage.Descendants(Parents, "microsoft/phi-2"),
            "lineage of phi-2");
        var (page, errors) = await browser.OpenAsync(platform.Gateway.BaseAddress!);

        await page.GotoAsync("/lineage?id=microsoft/phi-2");
        await Ready(page, "#tree");
        await Expect(page.GetByTestId("descendants")).ToHaveTextAsync(Count(IndependentLineage.Descendants(Parents, "microsoft/phi-2")));
        var direct = IndependentLineage.DirectChildren(Parents, "microsoft/phi-2");
        await Expect(page.GetByTestId("direct-children")).ToHaveTextAsync(Count(direct));
        var graph = page.GetByTestId("family-graph");
        await Expect(graph).ToHaveAttributeAsync("data-nodes", (1 + Math.Min(25, direct)).ToString(CultureInfo.InvariantCulture));
        await Expect(page.Locator("[data-testid=children] a.hub").First)
            .ToHaveAttributeAsync("href", new Regex("^https://huggingface\\.co/[^/]+/[^/]+$"));

        // Expand the listed derivative that has the most derivatives of its own (known from the raw tags).
        var listed = await page.Locator("[data-expand]").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.expand)");
        var child = listed.OrderByDescending(id => IndependentLineage.DirectChildren(Parents, id)).ThenBy(id => id, StringComparer.Ordinal).First();
        var grandchildren = IndependentLineage.DirectChildren(Parents, child);
        Assert.True(grandchildren > 0, "the sample has three levels below phi-2");
        var before = int.Parse((await graph.GetAttributeAsync("data-nodes"))!, CultureInfo.InvariantCulture);
        await page.Locator($"[data-expand='{child}']").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("expand=" + Regex.Escape(Uri.EscapeDataString(child)).Replace("%2F", "(%2F|/)")));
        await Ready(page, "#tree");
        var after = int.Parse((await page.GetByTestId("family-graph").GetAttributeAsync("data-nodes"))!, CultureInfo.InvariantCulture);
        Assert.InRange(after - before, 1, Math.Min(25, grandchildren));

        // The leaderboard's first base model is the one with the most descendants in the sample.
        await Ready(page, "#leaderboard");
        var top = Parents.Values.SelectMany(p => p).Distinct().OrderByDescending(id => IndependentLineage.Descendants(Parents, id)).First();
        await Expect(page.Locator("[data-testid=leaderboard] tbody tr").First.Locator("td").Nth(1)).ToHaveTextAsync(top);

        await Screenshot(page, "lineage");
        NoCspViolations(errors);
    }

    [Fact]
    public async Task Semantic_search_finds_role_play_phi_2_models_and_sorts_by_downloads()
    {
        await Until("/api/v1/search?q=phi-2%20role%20play&k=20", s => s.GetProperty("hits").GetArrayLength() > 0, "search to be indexed");
        // Vectors come from the embedding worker after the crawl; until then "similar" rightly answers 409.
        await Until("/api/v1/search/similar/AI8191/phi-2-role-play?k=20", s => s.GetProperty("hits").GetArrayLength() > 0,
            "phi-2-role-play to be embedded");
        var (page, errors) = await browser.OpenAsync(platform.Gateway.BaseAddress!);

        await page.GotoAsync("/search");
        await page.GetByLabel("Search query").FillAsync("phi-2 role play");
        await page.GetByLabel("Search query").PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new Regex("q=phi-2"));
        await Ready(page, "#results");
        var hit = page.Locator("[data-testid=hits] li[data-id='AI8191/phi-2-role-play']");
        await Expect(hit.Locator("a.hub")).ToHaveAttributeAsync("href", "https://huggingface.co/AI8191/phi-2-role-play");
        await Expect(hit.GetByText("more like this")).ToBeVisibleAsync();

        await page.Locator("select[name=sort]").SelectOptionAsync("downloads");
        await Expect(page).ToHaveURLAsync(new Regex("sort=downloads"));
        await Ready(page, "#results");
        var downloads = await page.Locator("[data-testid=hits] li").EvaluateAllAsync<long[]>("els => els.map(e => Number(e.dataset.downloads))");
        Assert.NotEmpty(downloads);
        Assert.Equal(downloads.OrderByDescending(d => d), downloads);
        // The facts shown are the sample's own numbers.
        var ids = await page.Locator("[data-testid=hits] li").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.id)");
        Assert.Equal(ids.Select(id => Models.Single(m => m.GetProperty("id").GetString() == id).GetProperty("downloads").GetInt64()), downloads);

        await Screenshot(page, "search");
        NoCspViolations(errors);
    }

    [Fact]
    public async Task Semantic_search_more_like_this_lists_other_models()
    {
        await Until("/api/v1/search?q=phi-2%20role%20play&k=20", s => s.GetProperty("hits").GetArrayLength() > 0, "search to be indexed");
        // Vectors come from the embedding worker after the crawl; until then "similar" rightly answers 409.
        await Until("/api/v1/search/similar/AI8191/phi-2-role-play?k=20", s => s.GetProperty("hits").GetArrayLength() > 0,
            "phi-2-role-play to be embedded");
        var (page, errors) = await browser.OpenAsync(platform.Gateway.BaseAddress!);
        await page.GotoAsync("/search?q=phi-2+role+play");
        await Ready(page, "#results");
        await page.Locator("[data-testid=hits] li[data-id='AI8191/phi-2-role-play']").GetByText("more like this").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("similar=AI8191"));
        await Ready(page, "#results");
        var ids = await page.Locator("[data-testid=hits] li").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.id)");
        Assert.NotEmpty(ids);
        Assert.All(ids, id => Assert.Contains(Models, m => m.GetProperty("id").GetString() == id));
        NoCspViolations(errors);
    }

    [Fact]
    public async Task ModelVerse_treemap_shows_the_sample_and_a_creation_date_filter_changes_it()
    {
        await Until("/api/v1/modelverse/organizations?metric=downloads&k=20",
            r => r.GetProperty("totalModels").GetInt64() == Models.Count, "ModelVerse to hold the whole sample");
        var (page, errors) = await browser.OpenAsync(platform.Gateway.BaseAddress!);

        await page.GotoAsync("/modelverse");
        await Ready(page, "#treemap");
        await Ready(page, "#stats");
        await Expect(page.GetByTestId("total-repos")).ToHaveTextAsync(Count(Models.Count));
        var (topOrganization, topDownloads) = TopByDownloads(Models);
        var treemap = page.Locator("#treemap .chart");
        await Expect(treemap).ToHaveAttributeAsync("data-signature", new Regex($"^{Regex.Escape(topOrganization)}={topDownloads},"));
        var before = await treemap.GetAttributeAsync("data-signature");
        await Screenshot(page, "modelverse");

        await page.Locator("input[name=createdFrom]").FillAsync("2025-01-01");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("createdFrom=2025-01-01"));
        await Ready(page, "#treemap");
        await Ready(page, "#stats");
        var recent = Models.Where(m => DateTimeOffset.Parse(m.GetProperty("createdAt").GetString()!,
            CultureInfo.InvariantCulture) >= new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero)).ToList();
        await Expect(page.GetByTestId("total-repos")).ToHaveTextAsync(Count(recent.Count));
        var (recentTop, recentDownloads) = TopByDownloads(recent);
        await Expect(page.Locator("#treemap .chart")).ToHaveAttributeAsync("data-signature",
            new Regex($"^{Regex.Escape(recentTop)}={recentDownloads},"));
        Assert.NotEqual(before, await page.Locator("#treemap .chart").GetAttributeAsync("data-signature"));
        NoCspViolations(errors);
    }

    [Fact]
    public async Task The_explorer_fits_a_phone_screen()
    {
        var (page, errors) = await browser.OpenAsync(platform.Gateway.BaseAddress!, 390, 844);
        await page.GotoAsync("/lineage?id=microsoft/phi-2");
        await Ready(page, "#tree");
        // Nothing wider than the screen except inside scrolling tables.
        var overflow = await page.EvaluateAsync<int>("document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.Equal(0, overflow);
        await Screenshot(page, "lineage-phone");
        NoCspViolations(errors);
    }

    // ---- Views on the metrics branch's endpoints (summary, dataverse, heatmap, organizations, trends, lifecycles) ----

    [Fact]
    public async Task Home_shows_the_ecosystem_summary_of_the_sample()
    {
        await Until("/api/v1/summary", s => s.GetProperty("models").GetInt64() == Models.Count, "the summary of the whole sample");
        var (page, errors) = await browser.OpenAsync(platform.Gateway.BaseAddress!);
        await page.GotoAsync("/");
        await Ready(page, "#summary");
        await Expect(page.GetByTestId("models")).ToHaveTextAsync(Count(Models.Count));
        var derived = Models.Count(m => Parents.TryGetValue(m.GetProperty("id").GetString()!, out var parents) && parents.Count > 0);
        await Expect(page.GetByTestId("derivative-share"))
            .ToHaveTextAsync($"{(100.0 * derived / Models.Count).ToString("F1", CultureInfo.InvariantCulture)}%");
        await Screenshot(page, "home");
        NoCspViolations(errors);
    }

    [Fact]
    public async Task DataVerse_shows_the_datasets_of_the_sample_and_the_metric_changes_it()
    {
        var datasetsFile = Path.Combine(SampleData.HubSample, "datasets.jsonl");
        var datasets = File.Exists(datasetsFile) ? File.ReadLines(datasetsFile).Count(l => !string.IsNullOrWhiteSpace(l)) : 0;
        await Until("/api/v1/dataverse/organizations?metric=downloads", r => r.GetProperty("totalDatasets").GetInt64() == datasets,
            "DataVerse to hold the sample's datasets");
        var (page, errors) = await browser.OpenAsync(platform.Gateway.BaseAddress!);
        await page.GotoAsync("/dataverse");
        await Ready(page, "#stats");
        await Ready(page, "#breakdown");
        await Ready(page, "#top-datasets");
        await Expect(page.GetByTestId("total-repos")).ToHaveTextAsync(Count(datasets));
        await Screenshot(page, "dataverse");

        await page.Locator("select[name=metric]").SelectOptionAsync("count");
        await Expect(page).ToHaveURLAsync(new Regex("metric=count"));
        await Ready(page, "#stats");
        // Counting datasets, the total is the number of datasets.
        await Expect(page.GetByTestId("total")).ToHaveTextAsync(new Regex("^" + Regex.Escape(Short(datasets)) + "$"));
        NoCspViolations(errors);
    }

    [Fact]
    public async Task HeatMap_shows_an_organizations_year_and_the_ranking()
    {
        var author = Models.GroupBy(m => m.GetProperty("author").GetString()!).OrderByDescending(g => g.Count())
            .ThenBy(g => g.Key, StringComparer.Ordinal).First().Key;
        // The sample was crawled from the Hub in April 2025 and the window ends at the snapshot (now):
        // widen it to reach back past the author's newest model, so the year shown has activity.
        var newest = Models.Where(m => m.GetProperty("author").GetString() == author)
            .Max(m => DateTimeOffset.Parse(m.GetProperty("createdAt").GetString()!, CultureInfo.InvariantCulture));
        var weeks = Math.Min(520, (int)Math.Ceiling((DateTimeOffset.UtcNow - newest).TotalDays / 7) + 52);
        var calendar = await Until($"/api/v1/heatmap/organizations/{author}?weeks={weeks}", _ => true, "the heatmap of " + author);
        var from = DateTimeOffset.Parse(calendar.GetProperty("from").GetString()!, CultureInfo.InvariantCulture).UtcDateTime.Date;
        var to = DateTimeOffset.Parse(calendar.GetProperty("to").GetString()!, CultureInfo.InvariantCulture).UtcDateTime.Date;
        var created = Models.Count(m => m.GetProperty("author").GetString() == author
            && DateTimeOffset.Parse(m.GetProperty("createdAt").GetString()!, CultureInfo.InvariantCulture).UtcDateTime.Date is var day && day >= from
                && day <= to);

        var (page, errors) = await browser.OpenAsync(platform.Gateway.BaseAddress!);
        await page.GotoAsync($"/heatmap?names={author}&weeks={weeks}");
        var panel = page.Locator($"[id='calendar-{author}']");
        await Expect(panel).ToHaveAttributeAsync("data-state", "ready");
        await Expect(panel.GetByTestId("calendar-total")).ToHaveTextAsync($"{Count(created)} repos created");
        await Ready(page, "#ranking");
        Assert.True(created > 0, "the widened window holds some of the author's models");
        Assert.True(await page.Locator("[data-testid=heatmap-ranking] tbody tr").CountAsync() > 0);

        await page.GetByLabel("Find an organization").FillAsync(author[..Math.Min(4, author.Length)]);
        await Expect(page.Locator($"[data-testid=org-suggestions] [data-org='{author}']")).ToBeVisibleAsync();
        await Screenshot(page, "heatmap");
        NoCspViolations(errors);
    }

    [Fact]
    public async Task Trends_show_hub_growth_and_phi_2_downloads_over_snapshots()
    {
        await Until("/api/v1/trends/models/microsoft/phi-2", t => t.GetProperty("points").GetArrayLength() > 0, "phi-2's trend");
        var (page, errors) = await browser.OpenAsync(platform.Gateway.BaseAddress!);
        await page.GotoAsync("/trends?model=microsoft/phi-2");
        await Ready(page, "#growth");
        await Ready(page, "#model-trend");
        var busiest = Models.GroupBy(m => m.GetProperty("createdAt").GetString()![..7]).OrderByDescending(g => g.Count()).First();
        await Expect(page.Locator("#growth .chart")).ToHaveAttributeAsync("data-signature", new Regex($"(^|,){busiest.Key}={busiest.Count()}(,|$)"));
        var phi = Models.Single(m => m.GetProperty("id").GetString() == "microsoft/phi-2").GetProperty("downloads").GetInt64();
        await Expect(page.Locator("#model-trend .chart")).ToHaveAttributeAsync("data-signature", new Regex($"={phi}$"));
        await Ready(page, "#lifecycles");
        await Screenshot(page, "trends");
        NoCspViolations(errors);
    }

    private static async Task Ready(IPage page, string panel)
    {
        var section = page.Locator(panel);
        await Expect(section).Not.ToHaveAttributeAsync("data-state", "loading", new() { Timeout = 60_000 });
        if (await section.GetAttributeAsync("data-state") == "error")
        {
            Assert.Fail($"{panel} shows a problem: {await section.InnerTextAsync()}");
        }
    }

    private static async Task Screenshot(IPage page, string tool)
    {
        var folder = Path.Combine(SampleData.RepoRoot, "docs", "screenshots");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, tool + ".png"), FullPage = true });
    }

    private static void NoCspViolations(List<string> errors) =>
        Assert.DoesNotContain(errors, e => e.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase));

    private static (string Organization, long Downloads) TopByDownloads(IEnumerable<JsonElement> models) =>
        models.GroupBy(m => m.GetProperty("id").GetString()!.Split('/')[0])
            .Select(g => (g.Key, g.Sum(m => m.GetProperty("downloads").GetInt64())))
            .OrderByDescending(x => x.Item2).ThenBy(x => x.Key, StringComparer.Ordinal).First();

    private static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>The app's compact format (Intl "compact", one decimal) for small numbers is the number itself.</summary>
    private static string Short(long n) => n < 1000 ? n.ToString(CultureInfo.InvariantCulture)
        : throw new InvalidOperationException("only small counts are compared");

    private Task<JsonElement> Until(string url, Func<JsonElement, bool> done, string what) => platform.UntilAsync(url, done, what, Patience);
}
