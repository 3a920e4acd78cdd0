using System.Text.Json.Nodes;

namespace HubPlatform.HubEmulator.Hub;

/// <summary>The listing sorts of the Hub API and how each compares two repos.</summary>
public static class SortKey
{
    public static readonly IReadOnlySet<string> Supported = new HashSet<string>(StringComparer.Ordinal)
    {
        "_id", "createdAt", "lastModified", "downloads", "likes", "trendingScore", "id",
    };

    public static int Compare(JsonObject a, JsonObject b, string sort) => sort switch
    {
        "downloads" or "likes" or "trendingScore" => Number(a, sort).CompareTo(Number(b, sort)),
        "_id" => string.CompareOrdinal(RepoStore.MongoId(a), RepoStore.MongoId(b)),
        _ => string.CompareOrdinal((string?)a[sort], (string?)b[sort]),
    };

    /// <summary>The sort value as cursor text (ISO dates and ids compare ordinally, numbers are padded).</summary>
    public static string Value(JsonObject repo, string sort) => sort switch
    {
        "downloads" or "likes" or "trendingScore" => Number(repo, sort).ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        "_id" => RepoStore.MongoId(repo),
        _ => (string?)repo[sort] ?? "",
    };

    public static int CompareValue(JsonObject repo, string sort, string cursorValue) => sort switch
    {
        "downloads" or "likes" or "trendingScore" => Number(repo, sort).CompareTo(double.Parse(cursorValue, System.Globalization.CultureInfo.InvariantCulture)),
        _ => string.CompareOrdinal(Value(repo, sort), cursorValue),
    };

    private static double Number(JsonObject repo, string field) =>
        repo[field] is JsonValue v && v.TryGetValue(out double d) ? d : 0;
}
