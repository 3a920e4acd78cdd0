using System.Text.Json;
using HubPlatform.Tests.Support;

namespace HubPlatform.Tests.Lineage.Integration;

/// <summary>
/// Rollup retention: family sizes are kept for the three newest snapshots and the newest snapshot
/// of each week, the rest are dropped, and a moment whose rollup was dropped still gets the right
/// answers (its trees walked live, the leaderboard of the newest kept snapshot before it). Its own
/// fixture, so no other test's snapshots take part in the retention.
/// </summary>
[Collection(ServersCollection.Name)]
public class RollupRetentionTests(LineageFixture lineage) : IClassFixture<LineageFixture>
{
    // A Monday: weeks (Postgres' date_trunc('week'), ISO) start here.
    private static readonly DateTimeOffset Monday = new(2025, 9, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Old_rollups_are_dropped_except_each_weeks_newest_and_their_moments_still_answer()
    {
        // One snapshot in week A, two in week B, four in week C (hourly crawls pile up like this).
        DateTimeOffset[] dates =
        [
            Monday,
            Monday.AddDays(7), Monday.AddDays(8),
            Monday.AddDays(14), Monday.AddDays(15), Monday.AddDays(16), Monday.AddDays(17),
        ];
        // Snapshot i: the root has i + 1 finetunes, so each snapshot's counts are its own.
        var snapshots = new List<Guid>();
        for (var i = 0; i < dates.Length; i++)
        {
            var models = Enumerable.Range(0, i + 1).Select(n => Model($"keep/ft-{n}", "keep/root")).Prepend(Model("keep/root", null));
            snapshots.Add(await lineage.PublishSnapshotAsync(dates[i], [models.Select(m => m.ToObservation()).ToArray()]));
        }

        // The policy worked by hand: the newest three are C1, C2, C3; each week's newest: A0, B1, C3.
        int[] kept = [0, 2, 4, 5, 6];
        var expectedKept = kept.Select(i => snapshots[i]).ToHashSet();
        var withSizes = (await lineage.Database.QueryAsync<Guid>("SELECT DISTINCT snapshot_id FROM lineage.family_sizes")).ToHashSet();
        Assert.Equal(expectedKept, withSizes);
        var marked = (await lineage.Database.QueryAsync<Guid>("SELECT id FROM lineage.snapshots WHERE family_sizes_pruned_at IS NOT NULL"))
            .ToHashSet();
        Assert.Equal(snapshots.Except(expectedKept).ToHashSet(), marked);

        for (var i = 0; i < snapshots.Count; i++)
        {
            // Every moment answers with its own snapshot's counts, read from its rollup when kept and walked otherwise.
            var tree = await lineage.GetAsync($"/api/lineage/keep/root?asOf={snapshots[i]}");
            Assert.Equal(i + 1, tree.GetProperty("children").GetProperty("finetunes").GetInt64());
            Assert.Equal(i + 1, tree.GetProperty("descendants").GetProperty("finetunes").GetInt64());
            var source = tree.GetProperty("rolledUpSnapshotId");
            Assert.Equal(kept.Contains(i) ? snapshots[i].ToString() : null, source.ValueKind == JsonValueKind.Null ? null : source.GetString());
        }

        // The leaderboard at a dropped moment (B0) is the newest kept snapshot's before it (A0); at C0 it is B1's.
        Assert.Equal(1, RootDescendants(await lineage.GetAsync($"/api/lineage/leaderboard?asOf={snapshots[1]}")));
        Assert.Equal(3, RootDescendants(await lineage.GetAsync($"/api/lineage/leaderboard?asOf={snapshots[3]}")));
        Assert.Equal(7, RootDescendants(await lineage.GetAsync("/api/lineage/leaderboard")));
    }

    private static long RootDescendants(JsonElement leaderboard) =>
        leaderboard.EnumerateArray().Single(r => r.GetProperty("baseModelId").GetString() == "keep/root").GetProperty("descendants").GetInt64();

    private static HubModel Model(string id, string? parent) =>
        new(id, parent is null ? [] : [(parent, "finetune")], Monday.AddDays(-30), 100);
}
