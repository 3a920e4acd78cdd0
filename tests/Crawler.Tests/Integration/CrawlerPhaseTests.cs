using System.Globalization;
using System.Text.Json;
using HubPlatform.Contracts;
using HubPlatform.Tests.Support;

namespace HubPlatform.Tests.Crawler.Integration;

/// <summary>
/// A full snapshot of a generated hub: models, then datasets, then spaces, each published once,
/// normalised as the raw listings say, and resumable in any phase.
/// </summary>
[Collection(ServersCollection.Name)]
public class CrawlerPhaseTests(SyntheticHubFactory hub) : IClassFixture<SyntheticHubFactory>
{
    private const string Sentinel = "2022-03-02T23:29:04.000Z";

    [Fact]
    public async Task A_full_snapshot_lists_models_then_datasets_then_spaces_and_normalises_them_as_the_raw_data_says()
    {
        var models = await hub.ListAsync("models");
        var datasets = await hub.ListAsync("datasets");
        var spaces = await hub.ListAsync("spaces");
        Assert.NotEmpty(datasets);
        Assert.NotEmpty(spaces);
        await using var rig = await CrawlerRig.StartAsync(hub);

        var snapshot = await rig.RequestCrawlAsync();
        var crawl = await rig.WaitForCompletionAsync(snapshot);

        var datasetPages = AssertEachOnce(rig.Observer.DatasetPages.Where(p => p.Page.SnapshotId == snapshot)
            .Select(p => (p.MessageId, p.Page.Page, p.Page.Datasets.Select(d => d.Id))), datasets);
        var spacePages = AssertEachOnce(rig.Observer.SpacePages.Where(p => p.Page.SnapshotId == snapshot)
            .Select(p => (p.MessageId, p.Page.Page, p.Page.Spaces.Select(s => s.Id))), spaces);
        var modelPages = AssertEachOnce(rig.Observer.Pages.Where(p => p.Page.SnapshotId == snapshot)
            .Select(p => (p.MessageId, p.Page.Page, p.Page.Models.Select(m => m.Id))), models);
        // Phases in order, one page sequence: every model page before every dataset page before every space page.
        Assert.True(modelPages.Max() < datasetPages.Min() && datasetPages.Max() < spacePages.Min());
        Assert.Equal(Enumerable.Range(1, modelPages.Length + datasetPages.Length + spacePages.Length),
            modelPages.Concat(datasetPages).Concat(spacePages).Order());

        var completed = Assert.Single(rig.Observer.Completed);
        Assert.Equal((models.Count, datasets.Count, spaces.Count), (completed.Models, completed.Datasets, completed.Spaces));
        Assert.Equal((modelPages.Length, datasetPages.Length, spacePages.Length),
            (completed.ModelPages, completed.DatasetPages, completed.SpacePages));
        Assert.Equal(datasets.Count, crawl.GetProperty("datasets").GetInt64());
        Assert.Equal(spacePages.Length, crawl.GetProperty("pagesByKind").GetProperty("spaces").GetInt32());

        // Values, from the raw JSON with the test's own reading of the Hub's typed tags and card.
        var observedDatasets = rig.Observer.DatasetPages.SelectMany(p => p.Page.Datasets).ToDictionary(d => d.Id);
        foreach (var raw in datasets)
        {
            var d = observedDatasets[raw.GetProperty("id").GetString()!];
            var tags = raw.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!).ToArray();
            Assert.Equal(Typed(tags, "task_categories:", raw, "task_categories"), d.TaskCategories);
            Assert.Equal(Typed(tags, "language:", raw, "language"), d.Languages);
            Assert.Equal(Typed(tags, "size_categories:", raw, "size_categories").FirstOrDefault(), d.SizeCategory);
            Assert.Equal(Typed(tags, "license:", raw, "license").FirstOrDefault(), d.License);
            Assert.Equal(tags.Where(t => t.StartsWith("modality:", StringComparison.Ordinal)).Select(t => t["modality:".Length..]), d.Modalities);
            Assert.Equal(tags.Where(t => t.StartsWith("format:", StringComparison.Ordinal)).Select(t => t["format:".Length..]), d.Formats);
            Assert.Equal(raw.GetProperty("downloads").GetInt64(), d.Downloads);
            Assert.Equal(raw.GetProperty("cardData").GetProperty("pretty_name").GetString(), d.PrettyName);
            Assert.Equal(raw.GetProperty("createdAt").GetString() == Sentinel ? null
                : DateTimeOffset.Parse(raw.GetProperty("createdAt").GetString()!, CultureInfo.InvariantCulture), d.CreatedAt);
        }
        var observedSpaces = rig.Observer.SpacePages.SelectMany(p => p.Page.Spaces).ToDictionary(s => s.Id);
        foreach (var raw in spaces)
        {
            var s = observedSpaces[raw.GetProperty("id").GetString()!];
            Assert.Equal(raw.GetProperty("sdk").GetString(), s.Sdk);
            Assert.Equal(raw.GetProperty("models").EnumerateArray().Select(m => m.GetString()!), s.Models);
            Assert.Equal(raw.GetProperty("likes").GetInt64(), s.Likes);
            Assert.Equal(raw.GetProperty("cardData").GetProperty("title").GetString(), s.Title);
        }
    }

    [Fact]
    public async Task A_crawler_killed_in_the_datasets_phase_resumes_there_and_repeats_no_page()
    {
        var models = await hub.ListAsync("models");
        var datasets = await hub.ListAsync("datasets");
        var spaces = await hub.ListAsync("spaces");
        var modelPageCount = (models.Count + CrawlerRig.PageSize - 1) / CrawlerRig.PageSize;
        Assert.True(datasets.Count > CrawlerRig.PageSize, "the datasets listing has a second page to hang on");
        await using var rig = await CrawlerRig.StartAsync(hub);
        rig.Hub.HangOnPage = modelPageCount + 2;

        var snapshot = await rig.RequestCrawlAsync();
        var stuck = await Eventually.GetAsync<JsonElement?>(async () => await rig.CrawlAsync(snapshot),
            c => c!.Value.GetProperty("pages").GetInt32() == modelPageCount + 1, TimeSpan.FromMinutes(1), "the first datasets page checkpointed");
        Assert.Equal("Datasets", stuck!.Value.GetProperty("phase").GetString());
        await rig.StopCrawlerAsync();

        rig.StartCrawler();
        await rig.WaitForCompletionAsync(snapshot);
        AssertEachOnce(rig.Observer.Pages.Where(p => p.Page.SnapshotId == snapshot)
            .Select(p => (p.MessageId, p.Page.Page, p.Page.Models.Select(m => m.Id))), models);
        AssertEachOnce(rig.Observer.DatasetPages.Where(p => p.Page.SnapshotId == snapshot)
            .Select(p => (p.MessageId, p.Page.Page, p.Page.Datasets.Select(d => d.Id))), datasets);
        AssertEachOnce(rig.Observer.SpacePages.Where(p => p.Page.SnapshotId == snapshot)
            .Select(p => (p.MessageId, p.Page.Page, p.Page.Spaces.Select(s => s.Id))), spaces);
        // The restarted crawler asked for no models page again.
        Assert.DoesNotContain("/api/models", rig.Hub.Paths);
    }

    [Fact]
    public async Task Datasets_and_spaces_gone_since_the_previous_snapshot_are_published_as_removed_per_type()
    {
        var datasets = await hub.ListAsync("datasets");
        var spaces = await hub.ListAsync("spaces");
        await using var rig = await CrawlerRig.StartAsync(hub);
        await rig.WaitForCompletionAsync(await rig.RequestCrawlAsync());

        string[] goneDatasets = [datasets[3].GetProperty("id").GetString()!, datasets[^1].GetProperty("id").GetString()!];
        string[] goneSpaces = [spaces[7].GetProperty("id").GetString()!];
        rig.Hub.Hidden.UnionWith(goneDatasets.Concat(goneSpaces));
        var second = await rig.RequestCrawlAsync();
        await rig.WaitForCompletionAsync(second);

        var removed = rig.Observer.Removed.Where(r => r.SnapshotId == second).ToArray();
        Assert.Equal(goneDatasets.Order(StringComparer.Ordinal),
            removed.Where(r => r.RepoType == RepoType.Dataset).SelectMany(r => r.Ids).Order(StringComparer.Ordinal));
        Assert.Equal(goneSpaces, removed.Where(r => r.RepoType == RepoType.Space).SelectMany(r => r.Ids));
        Assert.DoesNotContain(removed, r => r.RepoType == RepoType.Model);
    }

    /// <summary>
    /// Each page arrived once (by MessageId) with a number of its own, and the pages hold each raw repo once. Returns the page numbers.
    /// </summary>
    internal static int[] AssertEachOnce(IEnumerable<(Guid MessageId, int Page, IEnumerable<string> Ids)> received, IEnumerable<JsonElement> raw)
    {
        var pages = received.DistinctBy(p => p.MessageId).ToArray();
        Assert.Equal(pages.Length, pages.Select(p => p.Page).Distinct().Count());
        var ids = pages.SelectMany(p => p.Ids).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(raw.Select(r => r.GetProperty("id").GetString()!).Order(StringComparer.Ordinal), ids.Order(StringComparer.Ordinal));
        return pages.Select(p => p.Page).ToArray();
    }

    private static string[] Typed(string[] tags, string prefix, JsonElement raw, string cardField)
    {
        var typed = tags.Where(t => t.StartsWith(prefix, StringComparison.Ordinal)).Select(t => t[prefix.Length..]).Distinct().ToArray();
        if (typed.Length > 0 || !raw.TryGetProperty("cardData", out var card) || !card.TryGetProperty(cardField, out var field))
        {
            return typed;
        }
        return field.ValueKind == JsonValueKind.Array ? field.EnumerateArray().Select(v => v.GetString()!).ToArray() : [field.GetString()!];
    }
}
