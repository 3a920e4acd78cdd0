using System.Text.Json;

namespace HubPlatform.Tests.Support;

/// <summary>
/// Lineage computed straight from the raw JSON, without the platform's parser, so tests compare
/// the services against an independent count, by the Hub's rule: a model's parents are the ids in
/// its base_model:* tags, and only a model without such tags has the parents in cardData.base_model.
/// </summary>
public static class IndependentLineage
{
    public static IReadOnlyDictionary<string, HashSet<string>> ParentsByModel(IEnumerable<JsonElement> models)
    {
        var result = new Dictionary<string, HashSet<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var model in models)
        {
            var id = model.GetProperty("id").GetString()!;
            var parents = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var tag in model.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!))
            {
                if (!tag.StartsWith("base_model:", StringComparison.Ordinal))
                {
                    continue;
                }
                var parts = tag.Split(':');
                parents.Add(parts.Length == 3 ? parts[2] : parts[1]);
            }
            if (parents.Count == 0 && model.TryGetProperty("cardData", out var card) && card.ValueKind == JsonValueKind.Object
                && card.TryGetProperty("base_model", out var b))
            {
                if (b.ValueKind == JsonValueKind.String)
                {
                    parents.Add(b.GetString()!.Trim());
                }
                else if (b.ValueKind == JsonValueKind.Array)
                {
                    foreach (var p in b.EnumerateArray().Where(p => p.ValueKind == JsonValueKind.String))
                    {
                        parents.Add(p.GetString()!.Trim());
                    }
                }
            }
            parents.Remove(id);
            result[id] = parents;
        }
        return result;
    }

    /// <summary>
    /// The Hub's model tree of every base: per relation (finetune, adapter, quantized, merge), the
    /// models carrying the tag <c>base_model:{relation}:{base}</c>.
    /// </summary>
    public static IReadOnlyDictionary<(string Base, string Relation), int> TaggedChildren(IEnumerable<JsonElement> models)
    {
        var result = new Dictionary<(string, string), int>();
        foreach (var model in models)
        {
            var id = model.GetProperty("id").GetString()!;
            var typed = model.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!.Split(':', 3))
                .Where(p => p.Length == 3 && p[0] == "base_model" && !p[2].Equals(id, StringComparison.OrdinalIgnoreCase))
                .Select(p => (p[2], p[1])).Distinct();
            foreach (var key in typed)
            {
                result[key] = result.GetValueOrDefault(key) + 1;
            }
        }
        return result;
    }

    public static int DirectChildren(IReadOnlyDictionary<string, HashSet<string>> parents, string id) =>
        parents.Count(p => p.Value.Contains(id));

    /// <summary>All models below <paramref name="id"/>, by breadth-first search with a visited set.</summary>
    public static int Descendants(IReadOnlyDictionary<string, HashSet<string>> parents, string id)
    {
        var children = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (child, ps) in parents)
        {
            foreach (var p in ps)
            {
                (children.TryGetValue(p, out var list) ? list : children[p] = []).Add(child);
            }
        }
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var queue = new Queue<string>([id]);
        while (queue.Count > 0)
        {
            foreach (var c in children.GetValueOrDefault(queue.Dequeue()) ?? [])
            {
                if (!c.Equals(id, StringComparison.OrdinalIgnoreCase) && seen.Add(c))
                {
                    queue.Enqueue(c);
                }
            }
        }
        return seen.Count;
    }
}
