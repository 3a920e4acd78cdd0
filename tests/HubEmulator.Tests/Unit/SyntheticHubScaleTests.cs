using HubPlatform.HubEmulator.Hub;
using HubPlatform.HubEmulator.Hub.Synthetic;

namespace HubPlatform.Tests.HubEmulator.Unit;

/// <summary>The same seed gives the same hub, and a large hub pages in bounded memory.</summary>
public class SyntheticHubScaleTests
{
    private static EmulatedHub Hub(int models, int seed, EmulatorClock? clock = null) =>
        SyntheticHub.Create(new EmulatorOptions { SyntheticModels = models, Seed = seed },
            clock ?? new EmulatorClock(EmulatorOptions.SyntheticStart));

    private static string[] Everything(EmulatedHub hub) =>
        RepoTypes.All.SelectMany(t => hub.Repos(t).Ordered("_id", false).Select(i => hub.Repos(t).Json(i).ToJsonString())).ToArray();

    [Fact]
    public void The_same_seed_gives_the_same_hub_and_another_seed_another()
    {
        var first = Everything(Hub(3_000, seed: 5));
        var again = Everything(Hub(3_000, seed: 5));
        var other = Everything(Hub(3_000, seed: 6));

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void The_hub_a_clock_reaches_does_not_depend_on_the_steps_it_took()
    {
        var start = EmulatorOptions.SyntheticStart;
        var inSteps = new EmulatorClock(start);
        var stepped = Hub(2_000, seed: 3, inSteps);
        for (var week = 0; week < 8; week++)
        {
            Everything(stepped);
            inSteps.Advance(TimeSpan.FromDays(7));
        }
        var atOnce = new EmulatorClock(start);
        var jumped = Hub(2_000, seed: 3, atOnce);
        atOnce.Advance(TimeSpan.FromDays(56));

        Assert.Equal(Everything(jumped), Everything(stepped));
    }

    [Fact]
    public void A_large_hub_keeps_compact_records_and_pages_in_bounded_memory()
    {
        const int models = 200_000;
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var hub = Hub(models, seed: 1);
        var repos = hub.Repos(RepoType.Model);
        var generation = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        // A JSON object per model would take kilobytes; the records take well under 300 bytes each
        // (datasets and spaces included).
        Assert.True(generation < models * 300L, $"{generation / models} bytes per model");

        var query = new ListingQuery(null, null, [], null, "downloads", Descending: true, Limit: 1000, Cursor: null);
        var page = RepoListing.Page(repos, query);
        var seen = page.Repos.Count;
        long largestPage = 0;
        while (page.NextCursor is not null)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            page = RepoListing.Page(repos, query with { Cursor = page.NextCursor });
            var json = page.Repos.Select(repos.Json).Sum(j => j.ToJsonString().Length);
            largestPage = Math.Max(largestPage, GC.GetAllocatedBytesForCurrentThread() - before);
            seen += page.Repos.Count;
            Assert.True(json > 0);
        }

        Assert.Equal(repos.Count, seen);
        Assert.True(largestPage < 16 * 1024 * 1024, $"a page allocated {largestPage / 1024} KiB");
    }
}
