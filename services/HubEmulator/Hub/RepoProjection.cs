using System.Text.Json.Nodes;

namespace HubPlatform.HubEmulator.Hub;

/// <summary>
/// Which fields a listing returns, as the Hub decides it: a compact default, everything with
/// <c>full</c>, the card's front matter with <c>cardData</c>, or exactly the <c>expand[]</c> fields
/// (which override the other two).
/// </summary>
public sealed class RepoProjection
{
    private static readonly string[] CompactFields =
        ["_id", "id", "likes", "trendingScore", "private", "downloads", "tags", "pipeline_tag", "library_name", "createdAt", "modelId"];

    private readonly HashSet<string>? _fields;
    private readonly bool _full;
    private readonly bool _cardData;

    public RepoProjection(bool full, bool cardData, IReadOnlyCollection<string> expand)
    {
        if (expand.Count > 0)
        {
            _fields = new HashSet<string>(expand, StringComparer.Ordinal) { "_id", "id" };
            return;
        }
        _full = full;
        _cardData = cardData;
    }

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
        return _full || Array.IndexOf(CompactFields, field) >= 0;
    }
}
