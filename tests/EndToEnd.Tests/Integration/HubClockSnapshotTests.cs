using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using HubPlatform.Contracts;
using HubPlatform.Tests.Support;

namespace HubPlatform.Tests.EndToEnd.Integration;

/// <summary>
/// A replayed hub lives at the moment its data was captured, not today: the crawler stamps the
/// snapshot with the Hub's clock (its Date header), says how far that is from this machine's, and
/// the HeatMap's "last 52 weeks" are the Hub's last year.
/// </summary>
[Collection(ServersCollection.Name)]
public class HubClockSnapshotTests(EmulatorFactory emulator, ConsumersFixture platform) : IClassFixture<EmulatorFactory>,
    IClassFixture<ConsumersFixture>
{
    [Fact]
    public async Task A_snapshot_of_a_replayed_hub_carries_the_emulators_clock_and_its_HeatMap_shows_the_hubs_last_year()
    {
        var hubClock = (await emulator.CreateClient().GetFromJsonAsync<JsonElement>("/admin/clock")).GetProperty("now").GetDateTimeOffset();
        Assert.True((DateTimeOffset.UtcNow - hubClock).Duration() > TimeSpan.FromDays(1), $"the replay's clock {hubClock:O} is this machine's");

        await using var rig = await CrawlerRig.StartAsync(emulator);
        var snapshot = await rig.RequestCrawlAsync();
        var crawl = await rig.WaitForCompletionAsync(snapshot);

        // The emulator's clock stands still, so the snapshot's times are it, less the moments the crawl took before its first answer.
        var completed = Assert.Single(rig.Observer.Completed, c => c.SnapshotId == snapshot);
        AssertNear(hubClock, completed.StartedAt);
        AssertNear(hubClock, completed.CompletedAt);
        var pages = rig.Observer.PagesOf(snapshot);
        Assert.NotEmpty(pages);
        Assert.All(pages, p => AssertNear(hubClock, p.ObservedAt));
        AssertNear(hubClock, crawl.GetProperty("snapshotAt").GetDateTimeOffset());
        Assert.Equal((hubClock - DateTimeOffset.UtcNow).TotalSeconds, crawl.GetProperty("hubClockSkewSeconds").GetDouble(),
            TimeSpan.FromMinutes(1).TotalSeconds);
        Assert.Contains("the Hub's clock", crawl.GetProperty("hubClockWarning").GetString(), StringComparison.OrdinalIgnoreCase);

        // The same events into metrics: the HeatMap's window ends on the Hub's day.
        await platform.Bus.Publish(new SnapshotStarted(snapshot, CrawlKind.Full, completed.StartedAt, "emulator"));
        foreach (var page in pages)
        {
            await platform.Bus.Publish(page);
        }
        foreach (var (_, page) in rig.Observer.DatasetPages.Where(p => p.Page.SnapshotId == snapshot))
        {
            await platform.Bus.Publish(page);
        }
        foreach (var (_, page) in rig.Observer.SpacePages.Where(p => p.Page.SnapshotId == snapshot))
        {
            await platform.Bus.Publish(page);
        }
        await platform.Bus.Publish(completed);
        await Eventually.GetAsync(() => platform.Database.CountAsync($"metrics.snapshots WHERE aggregated_at IS NOT NULL AND id = '{snapshot}'"),
            n => n == 1, TimeSpan.FromMinutes(2), "the replayed snapshot's aggregates");

        var metrics = platform.Metrics.CreateClient();
        var ranking = await metrics.GetFromJsonAsync<JsonElement>($"/api/heatmap/ranking?weeks=52&k=10&snapshot={snapshot}");
        Assert.True(ranking.GetArrayLength() > 0, "no organization created a repo in the replayed hub's last 52 weeks");
        var top = ranking[0].GetProperty("name").GetString()!;
        var heatmap = await metrics.GetFromJsonAsync<JsonElement>($"/api/heatmap/organizations/{top}?weeks=52&snapshot={snapshot}");
        Assert.Equal(hubClock.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), heatmap.GetProperty("to").GetString());
        Assert.True(heatmap.GetProperty("total").GetInt64() > 0);
    }

    private static void AssertNear(DateTimeOffset expected, DateTimeOffset actual) =>
        Assert.True((expected - actual).Duration() < TimeSpan.FromMinutes(1), $"{actual:O} is not the Hub's {expected:O}");
}
