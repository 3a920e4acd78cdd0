using HubPlatform.Contracts;

namespace HubPlatform.Tests.Lineage.Integration;

/// <summary>A model of a generated hub: the bases it names (relation null = left to inference) and what the Hub lists about it.</summary>
public sealed record HubModel(string Id, IReadOnlyList<(string Base, string? Relation)> Bases, DateTimeOffset CreatedAt, long Downloads,
    IReadOnlyList<string>? Tags = null)
{
    public ModelObservation ToObservation() => new(
        Id, Id.Split('/')[0], null, CreatedAt, CreatedAt, false, "false", false, Downloads, null, 0, null, "text-generation", "transformers",
        Tags ?? [], "apache-2.0", [], [], Bases.Select(b => new BaseModelReference(b.Base, b.Relation)).ToArray(), null);
}

/// <summary>
/// The lineage of one snapshot of a generated hub, computed the plain way (dictionaries and
/// breadth-first walks with visited sets), independently of the service's SQL: what every
/// lineage answer for that snapshot should be.
/// </summary>
public sealed class ReferenceHub
{
    private readonly Dictionary<string, List<(string Base, string Relation)>> _bases = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(string Child, string Relation)>> _children = new(StringComparer.Ordinal);

    public ReferenceHub(IEnumerable<HubModel> models)
    {
        foreach (var model in models)
        {
            Models[model.Id] = model;
            foreach (var (parent, stated) in model.Bases.DistinctBy(b => b.Base))
            {
                if (parent == model.Id)
                {
                    SelfReferences.Add(model.Id);
                    continue;
                }
                // The Hub's rule for an unstated relation in these hubs: several bases make a merge, one a
                // finetune; a self-reference is not a base.
                var relation = stated ?? (model.Bases.Count(b => b.Base != model.Id) > 1 ? "merge" : "finetune");
                (_bases.TryGetValue(model.Id, out var up) ? up : _bases[model.Id] = []).Add((parent, relation));
                (_children.TryGetValue(parent, out var down) ? down : _children[parent] = []).Add((model.Id, relation));
            }
        }
    }

    public Dictionary<string, HubModel> Models { get; } = new(StringComparer.Ordinal);
    public HashSet<string> SelfReferences { get; } = new(StringComparer.Ordinal);
    public IEnumerable<string> Bases => _children.Keys;
    public int EdgeCount => _bases.Values.Sum(b => b.Count);

    public IReadOnlyList<(string Base, string Relation)> BasesOf(string id) => _bases.GetValueOrDefault(id) ?? [];

    /// <summary>Descendants of <paramref name="id"/> at their shortest distance.</summary>
    public Dictionary<string, int> Descendants(string id) => Without(id, Down(id));

    /// <summary>Ancestors of <paramref name="id"/> at their shortest distance.</summary>
    public Dictionary<string, int> Ancestors(string id) => Without(id, Walk(id, n => (_bases.GetValueOrDefault(n) ?? []).Select(b => b.Base)));

    /// <summary>Per relation, the descendants that have that relation to a family member (or the base itself).</summary>
    public Dictionary<string, long> DescendantRelations(string id)
    {
        var family = Descendants(id).Keys.ToHashSet(StringComparer.Ordinal);
        var inside = family.Append(id).ToHashSet(StringComparer.Ordinal);
        return family.SelectMany(d => BasesOf(d).Where(b => inside.Contains(b.Base)).Select(b => b.Relation).Distinct())
            .GroupBy(r => r).ToDictionary(g => g.Key, g => (long)g.Count());
    }

    public Dictionary<string, long> ChildRelations(string id) =>
        (_children.GetValueOrDefault(id) ?? []).GroupBy(c => c.Relation).ToDictionary(g => g.Key, g => (long)g.Count());

    /// <summary>Descendants created per week, weeks starting Monday 00:00 UTC.</summary>
    public SortedDictionary<DateTimeOffset, long> GrowthPerWeek(string id)
    {
        var weeks = new SortedDictionary<DateTimeOffset, long>();
        foreach (var d in Descendants(id).Keys.Where(Models.ContainsKey))
        {
            var day = Models[d].CreatedAt.UtcDateTime.Date;
            var monday = new DateTimeOffset(day.AddDays(-(((int)day.DayOfWeek + 6) % 7)), TimeSpan.Zero);
            weeks[monday] = weeks.GetValueOrDefault(monday) + 1;
        }
        return weeks;
    }

    /// <summary>Hub-wide: models per level below their nearest root (a named base with no base of its own), and the models no root reaches.</summary>
    public (SortedDictionary<int, long> Levels, long InCyclesOnly) HubDepth()
    {
        var inGraph = _bases.Keys.Concat(_children.Keys).ToHashSet(StringComparer.Ordinal);
        var depth = new Dictionary<string, int>(StringComparer.Ordinal);
        var queue = new Queue<string>();
        foreach (var root in _children.Keys.Where(n => !_bases.ContainsKey(n)))
        {
            depth[root] = 0;
            queue.Enqueue(root);
        }
        while (queue.Count > 0)
        {
            var node = queue.Dequeue();
            foreach (var (child, _) in _children.GetValueOrDefault(node) ?? [])
            {
                if (depth.TryAdd(child, depth[node] + 1))
                {
                    queue.Enqueue(child);
                }
            }
        }
        var levels = new SortedDictionary<int, long>(depth.Values.GroupBy(d => d).ToDictionary(g => g.Key, g => (long)g.Count()));
        return (levels, inGraph.Count(n => !depth.ContainsKey(n)));
    }

    /// <summary>Models that are their own descendants.</summary>
    public HashSet<string> CycleMembers() =>
        _bases.Keys.Where(n => Down(n).ContainsKey(n)).ToHashSet(StringComparer.Ordinal);

    private Dictionary<string, int> Down(string id) => Walk(id, n => (_children.GetValueOrDefault(n) ?? []).Select(c => c.Child));

    private static Dictionary<string, int> Without(string id, Dictionary<string, int> walk)
    {
        walk.Remove(id);
        return walk;
    }

    private static Dictionary<string, int> Walk(string start, Func<string, IEnumerable<string>> next)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var queue = new Queue<(string Node, int Depth)>([(start, 0)]);
        while (queue.Count > 0)
        {
            var (node, depth) = queue.Dequeue();
            foreach (var n in next(node))
            {
                if (seen.TryAdd(n, depth + 1))
                {
                    queue.Enqueue((n, depth + 1));
                }
            }
        }
        // A model in a cycle through the start meets itself: kept here (cycle detection), dropped by Descendants/Ancestors.
        return seen;
    }
}
