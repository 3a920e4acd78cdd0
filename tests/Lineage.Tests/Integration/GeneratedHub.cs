namespace HubPlatform.Tests.Lineage.Integration;

/// <summary>
/// A seeded hub that changes over three weekly snapshots: base models, single-parent derivatives
/// of every relation (some relations left to inference), merges of 2-3 parents, parents nobody
/// crawled, self-references, a cycle hanging off a base model and a cycle no root reaches. Week 2
/// re-bases some models, adds new ones and crawls a formerly missing parent; week 3 removes some.
/// </summary>
public sealed class GeneratedHub
{
    public static readonly string[] Roots = ["org0/base-0", "org1/base-1", "org2/base-2", "org3/base-3", "org4/base-4"];
    public static readonly string[] Ghosts = ["ghost/base-0", "ghost/base-1"];
    private static readonly string[] SingleRelations = ["finetune", "adapter", "quantized"];

    private readonly Random _random;
    private readonly DateTimeOffset _start;
    private int _next;

    public GeneratedHub(int seed, DateTimeOffset start)
    {
        _random = new Random(seed);
        _start = start;
        var week1 = Roots.Select(r => Model(r, [])).ToList();
        for (var i = 0; i < 220; i++)
        {
            week1.Add(Derivative(week1));
        }
        week1.Add(Model("odd/self-a", [("odd/self-a", null)]));
        week1.Add(Model("odd/self-b", [(Roots[0], "finetune"), ("odd/self-b", "finetune")]));
        // Untyped and naming itself too: its one real base makes it a finetune, not a merge.
        week1.Add(Model("odd/self-c", [(Roots[1], null), ("odd/self-c", null)]));
        week1.Add(Model("odd/cycle-a", [(Roots[1], "finetune"), ("odd/cycle-b", "finetune")]));
        week1.Add(Model("odd/cycle-b", [("odd/cycle-a", "adapter")]));
        week1.Add(Model("odd/loop-c", [("odd/loop-d", "finetune")]));
        week1.Add(Model("odd/loop-d", [("odd/loop-c", "merge")]));
        Weeks.Add(week1);

        var week2 = new List<HubModel>(week1);
        foreach (var index in Pick(week2, 25, m => m.Bases.Count > 0 && !m.Id.StartsWith("odd/", StringComparison.Ordinal)))
        {
            week2[index] = Derivative(week2[..index]) with
            {
                Id = week2[index].Id,
                CreatedAt = week2[index].CreatedAt,
                Downloads = week2[index].Downloads
            };
        }
        for (var i = 0; i < 40; i++)
        {
            week2.Add(Derivative(week2));
        }
        week2.Add(Model(Ghosts[0], []));
        Weeks.Add(week2);

        var week3 = new List<HubModel>(week2);
        var removed = Pick(week3, 15, m => m.Bases.Count > 0 && !m.Id.StartsWith("odd/", StringComparison.Ordinal)).Select(i => week3[i].Id)
            .ToHashSet();
        week3.RemoveAll(m => removed.Contains(m.Id));
        for (var i = 0; i < 10; i++)
        {
            week3.Add(Derivative(week3));
        }
        Weeks.Add(week3);
        Removed.Add([]);
        Removed.Add(week1.Select(m => m.Id).Except(week2.Select(m => m.Id)).ToArray());
        Removed.Add(removed.ToArray());
    }

    /// <summary>Every model each week's snapshot lists.</summary>
    public List<List<HubModel>> Weeks { get; } = [];

    /// <summary>What each week's ReposRemoved names: models of the week before that are gone.</summary>
    public List<string[]> Removed { get; } = [];

    public DateTimeOffset DateOf(int week) => _start.AddDays(7 * week);

    private HubModel Derivative(List<HubModel> existing)
    {
        var id = $"user{_random.Next(17)}/model-{_next}";
        if (_random.NextDouble() < 0.2)
        {
            var parents = Enumerable.Range(0, _random.Next(2, 4)).Select(_ => existing[_random.Next(existing.Count)].Id).Distinct().ToList();
            var relation = _random.NextDouble() < 0.5 ? "merge" : null;
            return Model(id, parents.Select(p => (p, relation)).ToList());
        }
        var parent = _random.NextDouble() switch
        {
            < 0.05 => Ghosts[_random.Next(Ghosts.Length)],
            < 0.45 => Roots[_random.Next(Roots.Length)],
            _ => existing[_random.Next(existing.Count)].Id,
        };
        var single = _random.NextDouble() < 0.2 ? null : SingleRelations[_random.Next(SingleRelations.Length)];
        return Model(id, [(parent, single)]);
    }

    private HubModel Model(string id, List<(string, string?)> bases)
    {
        _next++;
        return new HubModel(id, bases, _start.AddDays(-_random.Next(0, 140)).AddHours(_random.Next(24)), _random.Next(0, 100_000));
    }

    private List<int> Pick(List<HubModel> models, int count, Func<HubModel, bool> eligible) =>
        Enumerable.Range(0, models.Count).Where(i => eligible(models[i])).OrderBy(_ => _random.Next()).Take(count).ToList();
}
