using System.Text.Json;
using HubPlatform.Metrics.Infrastructure;
using HubPlatform.Tests.Support;

namespace HubPlatform.Tests.Metrics.Integration;

/// <summary>
/// A replica keeps the latest snapshot it resolved (LatestSnapshot) for as long as the response cache's generation
/// holds: a newer full snapshot must take its place once it is fully ingested, on every view that reads "the latest".
/// </summary>
[Collection(ServersCollection.Name)]
public class LatestSnapshotTests(MetricsFixture platform) : IClassFixture<MetricsFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    private static readonly string[] Views =
        ["/api/modelverse/organizations?k=3", "/api/dataverse/organizations?k=3", "/api/dataverse/breakdown?by=license"];

    [Fact]
    public async Task A_newer_fully_ingested_snapshot_replaces_the_kept_latest_one()
    {
        var metrics = platform.Metrics.CreateClient();
        await Eventually.GetAsync(() => platform.Database.CountAsync(
                $"metrics.snapshots WHERE id = '{platform.Second}' AND aggregates_version = {SnapshotAggregates.Version}"),
            n => n == 1, Patience, "the second snapshot's aggregates");
        // Asked twice each, fresh: the first answer resolves and keeps the latest, the second is answered from what was kept.
        foreach (var view in Views)
        {
            Assert.Equal(platform.Second, await SnapshotOfAsync(metrics, view, "before-1"));
            Assert.Equal(platform.Second, await SnapshotOfAsync(metrics, view, "before-2"));
        }

        var third = await platform.PublishSnapshotAsync(platform.SecondModels, MetricsFixture.SecondAt.AddDays(7));
        await Eventually.GetAsync(() => platform.Database.CountAsync(
                $"metrics.snapshots WHERE id = '{third}' AND aggregates_version = {SnapshotAggregates.Version}"),
            n => n == 1, Patience, "the third snapshot's aggregates");

        // The generation moves right after the aggregates commit: allow that moment, never more.
        foreach (var view in Views)
        {
            var tries = 0;
            await Eventually.GetAsync(() => SnapshotOfAsync(metrics, view, $"after-{++tries}"), s => s == third, TimeSpan.FromSeconds(10),
                $"{view} to answer the third snapshot");
        }
    }

    /// <summary>The snapshot a view's answer describes, asked with a query string no cache has seen.</summary>
    private static async Task<Guid> SnapshotOfAsync(HttpClient metrics, string view, string fresh)
    {
        using var response = await metrics.GetAsync($"{view}&fresh={fresh}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{view}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("snapshotId").GetGuid();
    }
}
