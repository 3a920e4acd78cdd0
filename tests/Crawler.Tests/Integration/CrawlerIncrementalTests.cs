using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using HubPlatform.Contracts;
using HubPlatform.Tests.Support;

namespace HubPlatform.Tests.Crawler.Integration;

/// <summary>An incremental crawl after a full snapshot, against a generated hub whose clock moves on.</summary>
[Collection(ServersCollection.Name)]
public class CrawlerIncrementalTests(SyntheticHubFactory hub) : IClassFixture<SyntheticHubFactory>
{
    [Fact]
    public async Task An_incremental_crawl_publishes_exactly_the_repos_modified_since_the_previous_crawl_began()
    {
        await using var rig = await CrawlerRig.StartAsync(hub);
        var full = await rig.WaitForCompletionAsync(await rig.RequestCrawlAsync());
        // The snapshot's time is the Hub's clock (lastModified is the Hub's), not this machine's startedAt.
        var fullStartedAt = full.GetProperty("snapshotAt").GetDateTimeOffset();

        // A month passes on the Hub: new repos appear, others are edited.
        await hub.AdvanceClockAsync(30);
        var snapshot = await rig.RequestCrawlAsync("Incremental");
        var crawl = await rig.WaitForCompletionAsync(snapshot);
        Assert.Equal(fullStartedAt, crawl.GetProperty("modifiedSince").GetDateTimeOffset());

        async Task<string[]> ModifiedSince(string plural) => (await hub.ListAsync(plural))
            .Where(r => DateTimeOffset.Parse(r.GetProperty("lastModified").GetString()!, CultureInfo.InvariantCulture) >= fullStartedAt)
            .Select(r => r.GetProperty("id").GetString()!).Order(StringComparer.Ordinal).ToArray();
        var models = await ModifiedSince("models");
        var datasets = await ModifiedSince("datasets");
        var spaces = await ModifiedSince("spaces");
        Assert.NotEmpty(models);

        Assert.Equal(models, Ids(rig.Observer.Pages.Where(p => p.Page.SnapshotId == snapshot)
            .Select(p => (p.MessageId, p.Page.Models.Select(m => m.Id)))));
        Assert.Equal(datasets, Ids(rig.Observer.DatasetPages.Where(p => p.Page.SnapshotId == snapshot)
            .Select(p => (p.MessageId, p.Page.Datasets.Select(m => m.Id)))));
        Assert.Equal(spaces, Ids(rig.Observer.SpacePages.Where(p => p.Page.SnapshotId == snapshot)
            .Select(p => (p.MessageId, p.Page.Spaces.Select(m => m.Id)))));

        var completed = Assert.Single(rig.Observer.Completed, c => c.SnapshotId == snapshot);
        Assert.Equal(CrawlKind.Incremental, completed.Kind);
        Assert.Equal((models.Length, datasets.Length, spaces.Length, 0, 0),
            ((int)completed.Models, (int)completed.Datasets, (int)completed.Spaces, completed.OrganizationPages, completed.CardPages));
        Assert.DoesNotContain(rig.Observer.Removed, r => r.SnapshotId == snapshot);
        // Newest first, so the crawl stopped at the previous crawl instead of listing the whole hub.
        Assert.True(rig.Hub.Paths.Count(p => p == "/api/models") < (await hub.ListAsync("models")).Count / CrawlerRig.PageSize + 3);
    }

    [Fact]
    public async Task A_second_incremental_crawl_is_refused_while_one_runs()
    {
        await using var rig = await CrawlerRig.StartAsync(hub);
        rig.Hub.HangOnPage = 1;
        await rig.RequestCrawlAsync("Incremental");
        using var second = await rig.Api.PostAsync("/api/crawls", JsonContent.Create(new { kind = "Incremental" }));
        Assert.Equal(System.Net.HttpStatusCode.Conflict, second.StatusCode);
        // A full snapshot is another kind: it may start meanwhile.
        using var full = await rig.Api.PostAsync("/api/crawls", JsonContent.Create(new { kind = "Full" }));
        Assert.Equal(System.Net.HttpStatusCode.Accepted, full.StatusCode);
    }

    private static string[] Ids(IEnumerable<(Guid MessageId, IEnumerable<string> Ids)> pages)
    {
        var ids = pages.DistinctBy(p => p.MessageId).SelectMany(p => p.Ids).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        return ids.Order(StringComparer.Ordinal).ToArray();
    }
}
