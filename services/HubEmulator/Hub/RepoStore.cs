using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace HubPlatform.HubEmulator.Hub;

/// <summary>
/// Repos held as the Hub's raw JSON objects (a replayed snapshot). They do not change with the
/// emulator's clock; <see cref="CommitReadme"/> changes one as a push to the Hub would.
/// </summary>
public sealed class RepoStore(RepoType type) : RepoCollection(type)
{
    private readonly Dictionary<string, int> _byId = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<JsonObject> _repos = [];
    private readonly Dictionary<string, HashSet<string>> _tags = new(StringComparer.OrdinalIgnoreCase);
    private int[]? _existing;

    // Concurrent: a commit (CommitReadme) may replace a card while requests read cards.
    public ConcurrentDictionary<string, string> Cards { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, string> Renames { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Without the authors' cards, every repo answers a card made from its metadata (and says so in it).</summary>
    public bool GeneratesCards { get; set; }

    public void Add(JsonObject repo)
    {
        _ = (string?)repo["id"] ?? throw new FormatException($"A {Type} without an id.");
        _repos.Add(repo);
    }

    /// <summary>Called once loading is done: index order becomes Mongo-style <c>_id</c> order.</summary>
    public void Seal()
    {
        _repos.Sort(static (a, b) => string.CompareOrdinal(RawMongoId(a), RawMongoId(b)));
        _byId.Clear();
        _tags.Clear();
        for (var i = 0; i < _repos.Count; i++)
        {
            var id = (string)_repos[i]["id"]!;
            _byId[id] = i;
            var tags = _repos[i]["tags"] as JsonArray;
            _tags[id] = new HashSet<string>(tags?.Select(t => (string?)t ?? "") ?? [], StringComparer.OrdinalIgnoreCase);
        }
        _existing = Enumerable.Range(0, _repos.Count).ToArray();
    }

    protected override int[] Existing() => _existing ?? throw new InvalidOperationException("Seal the store before listing it.");

    public override string Id(int index) => (string)_repos[index]["id"]!;

    public override string MongoId(int index) => RawMongoId(_repos[index]);

    public override string Author(int index) => (string?)_repos[index]["author"] ?? Id(index).Split('/')[0];

    public override string? PipelineTag(int index) => (string?)_repos[index]["pipeline_tag"];

    public override bool HasTag(int index, string tag) => _tags[Id(index)].Contains(tag);

    public override SortValue SortValue(int index, string sort)
    {
        var repo = _repos[index];
        return sort switch
        {
            "downloads" or "likes" or "trendingScore" => new(repo[sort] is JsonValue v && v.TryGetValue(out double d) ? d : 0, null),
            "createdAt" or "lastModified" => Hub.SortValue.Date((string?)repo[sort]),
            "id" => new(0, Id(index)),
            _ => default,
        };
    }

    public override JsonObject Json(int index) => _repos[index];

    public override int IndexOf(string id) => _byId.GetValueOrDefault(id, -1);

    public override string? RenamedTo(string id) => Renames.GetValueOrDefault(id);

    public override string? Card(string id) =>
        Cards.GetValueOrDefault(id) ?? (GeneratesCards && IndexOf(id) is >= 0 and var index ? MetadataCard.ForReplayed(Type, _repos[index]) : null);

    /// <summary>
    /// A commit that replaces the repo's README: the card answers the new text, and the repo gets a new
    /// <c>sha</c> and <c>lastModified</c>, as the Hub's listing shows after a push. Null for an unknown repo.
    /// </summary>
    public (string Sha, DateTimeOffset LastModified)? CommitReadme(string id, string readme, DateTimeOffset at)
    {
        lock (_repos)
        {
            var index = IndexOf(id);
            if (index < 0)
            {
                return null;
            }
            // A fresh object in place of the old one: a page being written from the old one is not changed under it.
            var repo = _repos[index].DeepClone().AsObject();
            var sha = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes($"{(string?)repo["sha"]}\n{readme}")));
            repo["sha"] = sha;
            repo["lastModified"] = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
            Cards[Id(index)] = readme;
            _repos[index] = repo;
            Invalidate(); // orders by lastModified moved
            return (sha, at);
        }
    }

    private static string RawMongoId(JsonObject repo) => (string?)repo["_id"] ?? (string)repo["id"]!;
}
