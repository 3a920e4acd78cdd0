using System.Net;
using System.Text.Json;
using HubPlatform.Contracts;
using HubPlatform.Tests.Support;

namespace HubPlatform.Tests.Lineage.Integration;

/// <summary>
/// Small hand-made hubs for the cases the Hub's data makes rare: merges, parents that appear
/// later, self-references and cycles, removal, edges that change between snapshots, replays.
/// Each test owns a namespace of model ids and checks only its families, against
/// <see cref="ReferenceHub"/> built from the same declarations.
/// </summary>
[Collection(ServersCollection.Name)]
public class LineageHistoryTests(LineageFixture lineage) : IClassFixture<LineageFixture>
{
    private static readonly DateTimeOffset Monday = new(2025, 6, 2, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_merge_has_every_parent_and_counts_once_in_each_family()
    {
        HubModel[] hub =
        [
            Model("merge/a"), Model("merge/b"), Model("merge/c"),
            Model("merge/abc", ("merge/a", null), ("merge/b", null), ("merge/c", null)), // untyped: the Hub infers a merge
            Model("merge/abc-q", ("merge/abc", "quantized")),
            Model("merge/a-abc", ("merge/a", "merge"), ("merge/abc", "merge")),
        ];
        await lineage.PublishSnapshotAsync(Monday, [hub.Select(m => m.ToObservation()).ToArray()]);
        var reference = new ReferenceHub(hub);

        var merge = await lineage.GetAsync("/api/lineage/merge/abc");
        Assert.Equal(reference.BasesOf("merge/abc").Select(b => (b.Base, b.Relation)).Order(), Bases(merge));
        Assert.Equal(3, merge.GetProperty("baseModels").GetArrayLength());
        foreach (var root in new[] { "merge/a", "merge/b", "merge/c" })
        {
            var tree = await lineage.GetAsync($"/api/lineage/{root}");
            var relations = reference.DescendantRelations(root);
            Assert.Equal(relations.GetValueOrDefault("merge"), tree.GetProperty("descendants").GetProperty("merges").GetInt64());
            Assert.Equal(relations.GetValueOrDefault("quantized"), tree.GetProperty("descendants").GetProperty("quantizations").GetInt64());
            var walk = await lineage.GetAsync($"/api/lineage/descendants/{root}?depth=20");
            Assert.Equal(reference.Descendants(root).Count, walk.GetProperty("total").GetInt64());
        }
        // merge/a-abc reaches merge/a twice (directly and through merge/abc): once, at distance 1.
        var ancestors = await lineage.GetAsync("/api/lineage/ancestors/merge/a-abc");
        Assert.Equal(reference.Ancestors("merge/a-abc").Select(a => (a.Key, a.Value)).Order(),
            ancestors.EnumerateArray().Select(a => (a.GetProperty("id").GetString()!, a.GetProperty("depth").GetInt32())).Order());
        var graph = await lineage.GetAsync("/api/lineage/graph/merge/a?depth=5");
        var drawn = reference.Descendants("merge/a").Keys.Append("merge/a").ToHashSet();
        Assert.Equal(drawn.Sum(m => reference.BasesOf(m).Count(b => drawn.Contains(b.Base))), graph.GetProperty("edges").GetArrayLength());
        Assert.Equal(drawn.Count - 1, graph.GetProperty("nodes").GetArrayLength());
    }

    [Fact]
    public async Task A_missing_parent_stays_unresolved_until_a_later_page_or_snapshot_shows_it()
    {
        var date = Monday.AddDays(30);
        var snapshot = Guid.CreateVersion7(date);
        HubModel child = Model("late/child", ("late/parent", "finetune")), grandchild = Model("late/grandchild", ("late/child", "adapter"));
        HubModel parent = Model("late/parent", ("late/root", "finetune")), root = Model("late/root");

        await lineage.PublishAsync(new ModelsObserved(snapshot, 1, date, [child.ToObservation(), grandchild.ToObservation()]));
        await lineage.WaitForPagesAsync(snapshot, 1);
        var before = await lineage.GetAsync("/api/lineage/late/child");
        Assert.False(Assert.Single(before.GetProperty("baseModels").EnumerateArray()).GetProperty("resolved").GetBoolean());
        Assert.False((await lineage.GetAsync("/api/lineage/late/parent")).GetProperty("resolved").GetBoolean());

        // The parent on the snapshot's next page: resolved, and it names a root nobody crawled yet.
        await lineage.PublishAsync(new ModelsObserved(snapshot, 2, date, [parent.ToObservation()]));
        await lineage.PublishAsync(new SnapshotCompleted(snapshot, CrawlKind.Full, date, date, 2, 3, 0, 0, 0, 2));
        await lineage.WaitForPagesAsync(snapshot, 2);
        var week1 = new ReferenceHub([child, grandchild, parent]);
        var resolved = await lineage.GetAsync("/api/lineage/late/child");
        Assert.True(Assert.Single(resolved.GetProperty("baseModels").EnumerateArray()).GetProperty("resolved").GetBoolean());
        Assert.Equal(week1.Ancestors("late/grandchild").Select(a => (a.Key, a.Value, week1.Models.ContainsKey(a.Key))).Order(),
            await AncestorsAsync("late/grandchild", ""));

        // The next snapshot crawls the root; as of the first one it is still missing.
        var second = await lineage.PublishSnapshotAsync(date.AddDays(7),
            [[child.ToObservation(), grandchild.ToObservation(), parent.ToObservation(), root.ToObservation()]]);
        var week2 = new ReferenceHub([child, grandchild, parent, root]);
        Assert.Equal(week2.Ancestors("late/grandchild").Select(a => (a.Key, a.Value, week2.Models.ContainsKey(a.Key))).Order(),
            await AncestorsAsync("late/grandchild", second.ToString()));
        Assert.Equal(week1.Ancestors("late/grandchild").Select(a => (a.Key, a.Value, week1.Models.ContainsKey(a.Key))).Order(),
            await AncestorsAsync("late/grandchild", snapshot.ToString()));
        Assert.Contains(await AncestorsAsync("late/grandchild", snapshot.ToString()), a => a.Item1 == "late/root" && !a.Item3);
    }

    [Fact]
    public async Task Self_references_and_cycles_are_reported_and_every_walk_ends()
    {
        HubModel[] hub =
        [
            Model("loop/root"),
            Model("loop/self", ("loop/root", "finetune"), ("loop/self", "finetune")),
            Model("loop/x", ("loop/root", "finetune"), ("loop/y", "finetune")),
            Model("loop/y", ("loop/x", "adapter")),
            Model("loop/z", ("loop/y", "quantized")),
        ];
        var snapshot = await lineage.PublishSnapshotAsync(Monday.AddDays(60), [hub.Select(m => m.ToObservation()).ToArray()]);
        var reference = new ReferenceHub(hub);

        foreach (var id in new[] { "loop/root", "loop/x", "loop/y" })
        {
            var walk = await lineage.GetAsync($"/api/lineage/descendants/{id}?depth=20&limit=1000");
            Assert.Equal(reference.Descendants(id).Select(d => (d.Key, d.Value)).Order(),
                walk.GetProperty("models").EnumerateArray().Select(m => (m.GetProperty("id").GetString()!, m.GetProperty("depth").GetInt32()))
                .Order());
            Assert.Equal(reference.Ancestors(id).Select(a => (a.Key, a.Value, reference.Models.ContainsKey(a.Key))).Order(),
                await AncestorsAsync(id, ""));
            var tree = await lineage.GetAsync($"/api/lineage/{id}");
            Assert.Equal(reference.DescendantRelations(id).Values.Sum(), tree.GetProperty("descendants").GetProperty("total").GetInt64());
        }
        Assert.Equal(reference.BasesOf("loop/self").Select(b => (b.Base, b.Relation)), Bases(await lineage.GetAsync("/api/lineage/loop/self")));

        var report = await lineage.GetAsync($"/api/lineage/stats/cycles?asOf={snapshot}");
        var members = report.GetProperty("cycleMembers").EnumerateArray().Select(c => c.GetString()!)
            .Where(c => c.StartsWith("loop/", StringComparison.Ordinal)).ToHashSet();
        Assert.Equal(reference.CycleMembers(), members);
        Assert.Equal(reference.SelfReferences, report.GetProperty("selfReferences").EnumerateArray()
            .Select(s => s.GetProperty("modelId").GetString()!).Where(s => s.StartsWith("loop/", StringComparison.Ordinal)).ToHashSet());
    }

    [Fact]
    public async Task Changed_and_removed_edges_are_seen_as_of_each_snapshot_and_replays_change_nothing()
    {
        var start = Monday.AddDays(90);
        List<HubModel[]> weeks =
        [
            [Model("hist/r1"), Model("hist/r2"), Model("hist/m1", ("hist/r1", "finetune")), Model("hist/m2", ("hist/m1", "adapter")),
            Model("hist/m3", ("hist/r1", "quantized"))],
            [Model("hist/r1"), Model("hist/r2"), Model("hist/m1", ("hist/r2", "finetune")), Model("hist/m2", ("hist/m1", "adapter")),
            Model("hist/m3", ("hist/r1", "finetune"))],
            [Model("hist/r1"), Model("hist/r2"), Model("hist/m1", ("hist/r2", "finetune")), Model("hist/m3", ("hist/r1", "finetune"))],
        ];
        var pages = weeks.Select(w => w.Select(m => m.ToObservation()).ToArray()).ToList();
        var snapshots = new List<Guid>();
        for (var week = 0; week < weeks.Count; week++)
        {
            var removed = week == 0 ? [] : weeks[week - 1].Select(m => m.Id).Except(weeks[week].Select(m => m.Id)).ToArray();
            snapshots.Add(await lineage.PublishSnapshotAsync(start.AddDays(7 * week), [pages[week]], removed));
        }

        // One row per stretch of snapshots an edge held: a triple that comes back after a gap would be a new one.
        var versions = weeks.Select(w => new ReferenceHub(w))
            .Select(r => r.Models.Keys.SelectMany(m => r.BasesOf(m).Select(b => (m, b.Base, b.Relation))).ToHashSet()).ToList();
        var expectedRows = versions[0].Count + versions.Zip(versions.Skip(1)).Sum(p => p.Second.Except(p.First).Count());
        Assert.Equal(expectedRows, await lineage.Database.CountAsync("lineage.edges WHERE model_id LIKE 'hist/%'"));
        Assert.Equal(versions[^1].Count, await lineage.Database.CountAsync("lineage.edges WHERE model_id LIKE 'hist/%' AND valid_to IS NULL"));

        for (var week = 0; week < weeks.Count; week++)
        {
            var reference = new ReferenceHub(weeks[week]);
            foreach (var asOf in new[] { snapshots[week].ToString(), start.AddDays(7 * week + 2).ToString("O") })
            {
                foreach (var root in new[] { "hist/r1", "hist/r2", "hist/m1" })
                {
                    var walk = await lineage.GetAsync($"/api/lineage/descendants/{root}?depth=20&asOf={Uri.EscapeDataString(asOf)}");
                    Assert.Equal(reference.Descendants(root).Keys.Order(),
                        walk.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("id").GetString()!).Order());
                    var tree = await lineage.GetAsync($"/api/lineage/{root}?asOf={Uri.EscapeDataString(asOf)}");
                    Assert.Equal(reference.ChildRelations(root).GetValueOrDefault("quantized"),
                        tree.GetProperty("children").GetProperty("quantizations").GetInt64());
                    Assert.Equal(reference.ChildRelations(root).GetValueOrDefault("finetune"),
                        tree.GetProperty("children").GetProperty("finetunes").GetInt64());
                }
                var m2 = await lineage.GetAsync($"/api/lineage/hist/m2?asOf={Uri.EscapeDataString(asOf)}");
                Assert.Equal(reference.Models.ContainsKey("hist/m2"), m2.GetProperty("resolved").GetBoolean());
                Assert.Equal(reference.BasesOf("hist/m2").Select(b => (b.Base, b.Relation)), Bases(m2));
            }
        }

        // Before the first snapshot the family did not exist.
        using var before = await lineage.Client.GetAsync($"/api/lineage/hist/r1?asOf={start.AddDays(-1):yyyy-MM-dd}");
        Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);
        using var bad = await lineage.Client.GetAsync("/api/lineage/hist/r1?asOf=last-tuesday");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        using var unknown = await lineage.Client.GetAsync($"/api/lineage/hist/r1?asOf={Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        // Old and current pages redelivered: history and the latest graph stay as they were.
        var rows = await lineage.Database.CountAsync("lineage.edges WHERE model_id LIKE 'hist/%'");
        var latest = (await lineage.GetAsync("/api/lineage/descendants/hist/r2?depth=20")).GetRawText();
        for (var week = 0; week < weeks.Count; week++)
        {
            await lineage.PublishAsync(new ModelsObserved(snapshots[week], 1, start.AddDays(7 * week), pages[week]));
        }
        await lineage.PublishAsync(new ReposRemoved(snapshots[2], start.AddDays(14), RepoType.Model, ["hist/m2"]));
        await lineage.WaitForConsumedAsync();
        Assert.Equal(rows, await lineage.Database.CountAsync("lineage.edges WHERE model_id LIKE 'hist/%'"));
        Assert.Equal(latest, (await lineage.GetAsync("/api/lineage/descendants/hist/r2?depth=20")).GetRawText());
    }

    private async Task<List<(string, int, bool)>> AncestorsAsync(string id, string asOf) =>
        (await lineage.GetAsync($"/api/lineage/ancestors/{id}?asOf={asOf}")).EnumerateArray()
            .Select(a => (a.GetProperty("id").GetString()!, a.GetProperty("depth").GetInt32(), a.GetProperty("resolved").GetBoolean())).Order()
                .ToList();

    private static IEnumerable<(string, string)> Bases(JsonElement tree) =>
        tree.GetProperty("baseModels").EnumerateArray().Select(b => (b.GetProperty("id").GetString()!, b.GetProperty("relation").GetString()!))
            .Order();

    private static HubModel Model(string id, params (string Base, string? Relation)[] bases) =>
        new(id, bases, Monday.AddDays(-bases.Length), 1000 + id.Length);
}
