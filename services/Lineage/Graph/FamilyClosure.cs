namespace HubPlatform.Lineage.Graph;

/// <summary>One edge of a snapshot's graph: <see cref="Model"/> is a <see cref="Relation"/> of <see cref="Base"/>.</summary>
public readonly record struct LiveEdge(string Model, string Base, string Relation);

/// <summary>A base model's family in one snapshot: what a <c>family_sizes</c> row holds.</summary>
public sealed record FamilyTotals(
    string BaseModel, long Descendants, long DescendantDownloads,
    long Finetunes, long Adapters, long Quantizations, long Merges,
    long ChildFinetunes, long ChildAdapters, long ChildQuantizations, long ChildMerges);

/// <summary>What a rollup stores of one snapshot's graph.</summary>
public sealed record FamilyRollupResult(IReadOnlyList<FamilyTotals> Families, IReadOnlyList<(int Depth, long Models)> DepthLevels,
    IReadOnlyList<string> CycleMembers);

/// <summary>
/// The rollup's arithmetic over one snapshot's edges, in memory: each base model's descendants (every
/// model reachable below it, once, itself excluded), their downloads, the relation mix of the edges
/// leaving the family (a model counted once per relation), its direct children; the hub-wide depth
/// levels (breadth-first from the roots, each model at its nearest root's distance, models no root
/// reaches counted apart); and the models that are their own ancestors. It is what the SQL rollup
/// (a recursive closure of every (ancestor, descendant) pair, then hash joins over it) computed, by
/// one walk per base model over integer ids: at 1M models the SQL took 16 s of the ingest's tail.
/// </summary>
public static class FamilyClosure
{
    private static readonly string[] Relations = [RelationInference.Finetune, RelationInference.Adapter, RelationInference.Quantized,
        RelationInference.Merge];

    /// <param name="edges">The edges holding at the snapshot's date (at most one per model and base).</param>
    /// <param name="downloads">Downloads of the models the graph knows; a descendant missing here is not counted.</param>
    public static FamilyRollupResult Compute(IReadOnlyList<LiveEdge> edges, IReadOnlyDictionary<string, long> downloads)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var names = new List<string>();
        int Node(string id)
        {
            if (!ids.TryGetValue(id, out var n))
            {
                n = names.Count;
                ids.Add(id, n);
                names.Add(id);
            }
            return n;
        }
        var from = new int[edges.Count];
        var to = new int[edges.Count];
        var relation = new int[edges.Count];
        for (var i = 0; i < edges.Count; i++)
        {
            from[i] = Node(edges[i].Base);
            to[i] = Node(edges[i].Model);
            relation[i] = Array.IndexOf(Relations, edges[i].Relation); // -1: a relation no count names
        }
        var count = names.Count;
        // Children of each node as a compressed adjacency list (edges sorted by base).
        var start = new int[count + 1];
        foreach (var f in from)
        {
            start[f + 1]++;
        }
        for (var n = 0; n < count; n++)
        {
            start[n + 1] += start[n];
        }
        var child = new int[edges.Count];
        var childRelation = new int[edges.Count];
        var fill = (int[])start.Clone();
        for (var i = 0; i < edges.Count; i++)
        {
            var slot = fill[from[i]]++;
            child[slot] = to[i];
            childRelation[slot] = relation[i];
        }
        var nodeDownloads = new long[count];
        var known = new bool[count];
        for (var n = 0; n < count; n++)
        {
            known[n] = downloads.TryGetValue(names[n], out nodeDownloads[n]);
        }

        var families = new List<FamilyTotals>();
        var cycles = new List<string>();
        var seen = new int[count];                   // the walk (base index + 1) that last reached a node
        var counted = new int[count * Relations.Length]; // ... that last counted a (model, relation)
        var stack = new Stack<int>();
        for (var root = 0; root < count; root++)
        {
            if (start[root] == start[root + 1])
            {
                continue; // not a base model
            }
            var walk = root + 1;
            long descendants = 0, sum = 0;
            var mix = new long[Relations.Length];
            var inCycle = false;
            stack.Push(root);
            while (stack.Count > 0)
            {
                var source = stack.Pop();
                for (var e = start[source]; e < start[source + 1]; e++)
                {
                    var model = child[e];
                    if (model == root)
                    {
                        inCycle = true;
                        continue; // an edge back to the base is no part of its mix
                    }
                    if (childRelation[e] >= 0 && counted[model * Relations.Length + childRelation[e]] != walk)
                    {
                        counted[model * Relations.Length + childRelation[e]] = walk;
                        mix[childRelation[e]]++;
                    }
                    if (seen[model] != walk)
                    {
                        seen[model] = walk;
                        if (known[model])
                        {
                            descendants++;
                            sum += nodeDownloads[model];
                        }
                        stack.Push(model);
                    }
                }
            }
            if (inCycle)
            {
                cycles.Add(names[root]);
            }
            if (descendants == 0)
            {
                continue;
            }
            var children = new long[Relations.Length];
            for (var e = start[root]; e < start[root + 1]; e++)
            {
                if (childRelation[e] >= 0)
                {
                    children[childRelation[e]]++;
                }
            }
            families.Add(new FamilyTotals(names[root], descendants, sum, mix[0], mix[1], mix[2], mix[3], children[0], children[1], children[2],
                children[3]));
        }
        return new FamilyRollupResult(families, DepthLevels(count, start, child, from, to), cycles);
    }

    /// <summary>
    /// Models per level below their nearest root (a base model with no base of its own, level 0),
    /// breadth-first; every node of the graph no root reaches is counted at <see cref="Infrastructure.DepthLevel.InCyclesOnly"/>.
    /// </summary>
    private static List<(int Depth, long Models)> DepthLevels(int count, int[] start, int[] child, int[] from, int[] to)
    {
        var hasBase = new bool[count];
        foreach (var t in to)
        {
            hasBase[t] = true;
        }
        var depth = new int[count];
        Array.Fill(depth, -1);
        var level = new List<int>();
        foreach (var f in from)
        {
            if (!hasBase[f] && depth[f] < 0)
            {
                depth[f] = 0;
                level.Add(f);
            }
        }
        var levels = new List<(int Depth, long Models)>();
        var reached = 0L;
        for (var d = 0; level.Count > 0; d++)
        {
            levels.Add((d, level.Count));
            reached += level.Count;
            var next = new List<int>();
            foreach (var node in level)
            {
                for (var e = start[node]; e < start[node + 1]; e++)
                {
                    if (depth[child[e]] < 0)
                    {
                        depth[child[e]] = d + 1;
                        next.Add(child[e]);
                    }
                }
            }
            level = next;
        }
        if (count - reached > 0)
        {
            levels.Add((Infrastructure.DepthLevel.InCyclesOnly, count - reached));
        }
        return levels;
    }
}
