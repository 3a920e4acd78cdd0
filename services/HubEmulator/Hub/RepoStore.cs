using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace HubPlatform.HubEmulator.Hub;

/// <summary>
/// The emulated hub's models in the Hub's raw JSON shape, with the orders the listing API
/// sorts by. Orders are built once per sort key, on first use, and reused by every page.
/// </summary>
public sealed class RepoStore
{
    private readonly Dictionary<string, JsonObject> _byId = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, JsonObject[]> _orders = new();

    public List<JsonObject> Models { get; } = [];

    public Dictionary<string, string> Cards { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, string> Renames { get; } = new(StringComparer.OrdinalIgnoreCase);

    public void Add(JsonObject model)
    {
        var id = (string?)model["id"] ?? throw new FormatException("A model without an id.");
        _byId[id] = model;
        Models.Add(model);
    }

    /// <summary>Called once loading is done; sorts the default (cursor) order by Mongo-style _id.</summary>
    public void Seal() => Models.Sort(static (a, b) => string.CompareOrdinal(MongoId(a), MongoId(b)));

    public JsonObject? Find(string id) => _byId.GetValueOrDefault(id);

    public JsonObject[] Ordered(string sort, bool descending) =>
        _orders.GetOrAdd($"{sort}:{descending}", _ =>
        {
            var sorted = Models.ToArray();
            Comparison<JsonObject> byKey = (a, b) =>
            {
                var c = SortKey.Compare(a, b, sort);
                return c != 0 ? c : string.CompareOrdinal(MongoId(a), MongoId(b));
            };
            Array.Sort(sorted, descending ? (a, b) => byKey(b, a) : byKey);
            return sorted;
        });

    public static string MongoId(JsonObject repo) => (string?)repo["_id"] ?? (string)repo["id"]!;
}
