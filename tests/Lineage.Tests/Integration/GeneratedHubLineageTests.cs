using System.Text.Json;
using HubPlatform.Tests.Support;

namespace HubPlatform.Tests.Lineage.Integration;

/// <summary>
/// A generated hub over three weekly snapshots, checked as of each snapshot against
/// <see cref="ReferenceHub"/>: hub-wide depth and cycles, the leaderboard, and each family's
/// tree, walks, relation mix, growth and depth. The class has its own database, so hub-wide
/// numbers are this hub's alone.
/// </summary>
[Collection(ServersCollection.Name)]
public class GeneratedHubLineageTests(LineageFixture lineage) : IClassFixture<LineageFixture>
{
    [Fact]
    public async Task Every_answer_as_of_each_snapshot_matches_an_independent_walk_of_that_week()
    {
        var hub = new GeneratedHub(seed: 7, start: new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        var snapshots = new List<Guid>();
        for (var week = 0; week < hub.Weeks.Count; week++)
        {
            var pages = hub.Weeks[week].Select(m => m.ToObservation()).Chunk(60).ToArray();
            snapshots.Add(await lineage.PublishSnapshotAsync(hub.DateOf(week), pages, hub.Removed[week]));
        }

        for (var week = 0; week < hub.Weeks.Count; week++)
        {
            var reference = new ReferenceHub(hub.Weeks[week]);
            // The same moment named three ways: the snapshot id, a date inside its week, and (last week) nothing.
            var asOfs = new List<string> { snapshots[week].ToString(), hub.DateOf(week).AddDays(3).ToString("O") };
            if (week == hub.Weeks.Count - 1)
            {
                asOfs.Add("");
            }
            foreach (var asOf in asOfs.Select(Uri.EscapeDataString))
            {
                await CheckHubWideAsync(reference, asOf);
                var families = GeneratedHub.Roots.Concat(GeneratedHub.Ghosts).Append("odd/cycle-a")
                    .Concat(reference.Bases.Where(b => b.StartsWith("user", StringComparison.Ordinal)).OrderBy(b => b, StringComparer.Ordinal)
                        .Take(3));
                foreach (var id in families)
                {
                    await CheckFamilyAsync(reference, id, asOf);
                }
            }
        }
        Assert.Equal(new ReferenceHub(hub.Weeks[^1]).EdgeCount, await lineage.Database.CountAsync("lineage.edges WHERE valid_to IS NULL"));
    }

    private async Task CheckHubWideAsync(ReferenceHub reference, string asOf)
    {
        var (levels, inCyclesOnly) = reference.HubDepth();
        var depth = await lineage.GetAsync($"/api/lineage/stats/depth?asOf={asOf}");
        Assert.Equal(levels.Select(l => (l.Key, l.Value)), Levels(depth.GetProperty("depth")));
        Assert.Equal(inCyclesOnly, depth.GetProperty("inCyclesOnly").GetInt64());
        Assert.Equal(levels.Keys.Max(), depth.GetProperty("depth").GetProperty("maxDepth").GetInt32());
        Assert.Equal(levels.Sum(l => (double)l.Key * l.Value) / levels.Values.Sum(), depth.GetProperty("depth").GetProperty("meanDepth").GetDouble(),
            9);

        var cycles = await lineage.GetAsync($"/api/lineage/stats/cycles?asOf={asOf}");
        Assert.Equal(reference.CycleMembers().Order(StringComparer.Ordinal),
            cycles.GetProperty("cycleMembers").EnumerateArray().Select(c => c.GetString()!));
        Assert.Equal(reference.SelfReferences.Order(StringComparer.Ordinal),
            cycles.GetProperty("selfReferences").EnumerateArray().Select(c => c.GetProperty("modelId").GetString()!));

        var leaderboard = await lineage.GetAsync($"/api/lineage/leaderboard?k=10&asOf={asOf}");
        var sizes = reference.Bases.ToDictionary(b => b, b => (long)reference.Descendants(b).Count);
        Assert.Equal(sizes.Values.OrderDescending().Take(10), leaderboard.EnumerateArray().Select(f => f.GetProperty("descendants").GetInt64()));
        Assert.All(leaderboard.EnumerateArray(),
            f => Assert.Equal(sizes[f.GetProperty("baseModelId").GetString()!], f.GetProperty("descendants").GetInt64()));
    }

    private async Task CheckFamilyAsync(ReferenceHub reference, string id, string asOf)
    {
        var descendants = reference.Descendants(id);
        if (!reference.Models.ContainsKey(id) && !reference.Bases.Contains(id))
        {
            using var missing = await lineage.Client.GetAsync($"/api/lineage/{id}?asOf={asOf}");
            Assert.True(missing.StatusCode == System.Net.HttpStatusCode.NotFound || descendants.Count == 0, $"{id} as of {asOf}");
            return;
        }
        var tree = await lineage.GetAsync($"/api/lineage/{id}?asOf={asOf}");
        Assert.Equal(reference.Models.ContainsKey(id), tree.GetProperty("resolved").GetBoolean());
        Assert.Equal(reference.BasesOf(id).Select(b => (b.Base, b.Relation)).Order(),
            tree.GetProperty("baseModels").EnumerateArray().Select(b => (b.GetProperty("id").GetString()!, b.GetProperty("relation").GetString()!))
            .Order());
        AssertRelations(reference.ChildRelations(id), tree.GetProperty("children"));
        AssertRelations(reference.DescendantRelations(id), tree.GetProperty("descendants"));

        var relations = await lineage.GetAsync($"/api/lineage/families/relations/{id}?asOf={asOf}");
        AssertRelations(reference.DescendantRelations(id), relations.GetProperty("descendants"));

        var walk = await lineage.GetAsync($"/api/lineage/descendants/{id}?depth=20&limit=1000&asOf={asOf}");
        Assert.Equal(descendants.Count, walk.GetProperty("total").GetInt64());
        Assert.Equal(descendants.Select(d => (d.Key, d.Value)).OrderBy(d => d.Key, StringComparer.Ordinal),
            walk.GetProperty("models").EnumerateArray().Select(m => (m.GetProperty("id").GetString()!, m.GetProperty("depth").GetInt32()))
            .OrderBy(d => d.Item1, StringComparer.Ordinal));

        var depth = await lineage.GetAsync($"/api/lineage/families/depth/{id}?asOf={asOf}");
        Assert.Equal(descendants.Values.GroupBy(d => d).OrderBy(g => g.Key).Select(g => (g.Key, (long)g.Count())),
            Levels(depth.GetProperty("depth")));

        var growth = await lineage.GetAsync($"/api/lineage/families/growth/{id}?asOf={asOf}");
        var weeks = reference.GrowthPerWeek(id);
        Assert.Equal(weeks.Select(w => (w.Key, w.Value)),
            growth.GetProperty("weeks").EnumerateArray()
            .Select(w => (w.GetProperty("week").GetDateTimeOffset(), w.GetProperty("created").GetInt64())));
        Assert.Equal(descendants.Keys.Count(d => !reference.Models.ContainsKey(d)), growth.GetProperty("unknownCreated").GetInt64());
        if (weeks.Count > 0)
        {
            Assert.Equal(weeks.Values.Sum(), growth.GetProperty("weeks").EnumerateArray().Last().GetProperty("cumulative").GetInt64());
        }

        // Up from the deepest member, the walk reaches this family's base at the same distance.
        if (descendants.Count > 0)
        {
            var deepest = descendants.OrderByDescending(d => d.Value).ThenBy(d => d.Key, StringComparer.Ordinal).First();
            var ancestors = await lineage.GetAsync($"/api/lineage/ancestors/{deepest.Key}?asOf={asOf}");
            Assert.Equal(reference.Ancestors(deepest.Key).Select(a => (a.Key, a.Value)).OrderBy(a => a.Key, StringComparer.Ordinal),
                ancestors.EnumerateArray().Select(a => (a.GetProperty("id").GetString()!, a.GetProperty("depth").GetInt32()))
                .OrderBy(a => a.Item1, StringComparer.Ordinal));
        }
    }

    private static void AssertRelations(Dictionary<string, long> expected, JsonElement counts)
    {
        Assert.Equal(expected.GetValueOrDefault("finetune"), counts.GetProperty("finetunes").GetInt64());
        Assert.Equal(expected.GetValueOrDefault("adapter"), counts.GetProperty("adapters").GetInt64());
        Assert.Equal(expected.GetValueOrDefault("quantized"), counts.GetProperty("quantizations").GetInt64());
        Assert.Equal(expected.GetValueOrDefault("merge"), counts.GetProperty("merges").GetInt64());
    }

    private static IEnumerable<(int, long)> Levels(JsonElement depth) =>
        depth.GetProperty("levels").EnumerateArray().Select(l => (l.GetProperty("depth").GetInt32(), l.GetProperty("models").GetInt64()));
}
