using System.Text.Json;
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
        ["_id", "id", "author", "disabled", "gated", "lastModified", "likes", "trendingScore", "private", "sha", "description", "downloads", "tags",
            "createdAt", "key"];

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

    /// <summary>
    /// Writes the repo's fields this projection includes, straight from the repo's own nodes: no copy of
    /// the repo (a listing page is a thousand of them, and cloning each for its JSON was most of the
    /// emulator's CPU in a crawl).
    /// </summary>
    public void WriteTo(Utf8JsonWriter writer, JsonObject repo)
    {
        writer.WriteStartObject();
        foreach (var (name, value) in repo)
        {
            if (Includes(name))
            {
                writer.WritePropertyName(name);
                WriteValue(writer, value);
            }
        }
        if (_fields is not null && _fields.Contains("baseModels") && !repo.ContainsKey("baseModels"))
        {
            writer.WritePropertyName("baseModels");
            WriteValue(writer, BaseModels.FromTags(repo["tags"] as JsonArray));
        }
        writer.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter writer, JsonNode? value)
    {
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            value.WriteTo(writer);
        }
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
