using System.Text.Json.Nodes;

namespace HubPlatform.HubEmulator.Hub;

/// <summary>
/// Which fields a listing returns, as the Hub decides it: a compact default per repo type,
/// everything with <c>full</c>, the card's front matter with <c>cardData</c>, or exactly the
/// <c>expand[]</c> fields (which override the other two).
/// </summary>
public sealed class RepoProjection
{
    private static readonly string[] CompactModel =
        ["_id", "id", "likes", "trendingScore", "private", "downloads", "tags", "pipeline_tag", "library_name", "createdAt", "modelId"];

    private static readonly string[] CompactDataset =
        ["_id", "id", "author", "disabled", "gated", "lastModified", "likes", "trendingScore", "private", "sha", "description", "downloads", "tags", "createdAt", "key"];

    private static readonly string[] CompactSpace =
        ["_id", "id", "likes", "trendingScore", "private", "sdk", "tags", "createdAt"];

    private readonly HashSet<string>? _fields;
    private readonly string[] _compact;
    private readonly bool _full;
    private readonly bool _cardData;

    public RepoProjection(RepoType type, bool full, bool cardData, IReadOnlyCollection<string> expand)
    {
        _compact = type switch
        {
            RepoType.Model => CompactModel,
            RepoType.Dataset => CompactDataset,
            _ => CompactSpace,
        };
        if (expand.Count > 0)
        {
            _fields = new HashSet<string>(expand, StringComparer.Ordinal) { "_id", "id" };
            return;
        }
        _full = full;
        _cardData = cardData;
    }

    /// <summary>The whole repo (a single-repo GET without <c>expand[]</c>).</summary>
    public static RepoProjection Everything(RepoType type) => new(type, full: true, cardData: true, []);

    public JsonObject Apply(JsonObject repo)
    {
        var result = new JsonObject();
        foreach (var (name, value) in repo)
        {
            if (Includes(name))
            {
                result[name] = value?.DeepClone();
            }
        }
        if (_fields is not null && _fields.Contains("baseModels") && !repo.ContainsKey("baseModels"))
        {
            result["baseModels"] = BaseModels.FromTags(repo["tags"] as JsonArray);
        }
        return result;
    }

    private bool Includes(string field)
    {
        if (_fields is not null)
        {
            return _fields.Contains(field);
        }
        if (field == "cardData")
        {
            return _cardData;
        }
        return _full || Array.IndexOf(_compact, field) >= 0;
    }
}
