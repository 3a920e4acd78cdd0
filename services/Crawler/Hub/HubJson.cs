using System.Globalization;
using System.Text.Json;

namespace HubPlatform.Crawler.Hub;

/// <summary>
/// Lenient readers for the Hub's JSON, shared by the parsers: a missing field, a null or a value
/// of the wrong kind reads as "not given" instead of failing the repo.
/// </summary>
internal static class HubJson
{
    internal static IEnumerable<string> Prefixed(IReadOnlyList<string> tags, string prefix) =>
        tags.Where(t => t.StartsWith(prefix, StringComparison.Ordinal)).Select(t => t[prefix.Length..]);

    internal static string Gated(JsonElement model) =>
        model.TryGetProperty("gated", out var g) ? g.ValueKind switch
        {
            JsonValueKind.String => g.GetString()!,
            JsonValueKind.True => "auto",
            _ => "false",
        } : "false";

    internal static string? String(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    internal static bool Bool(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

    internal static long? Long(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number
            ? v.TryGetInt64(out var l) ? l : (long)v.GetDouble()
            : null;

    internal static double? Double(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    internal static DateTimeOffset? Date(JsonElement e, string name) =>
        String(e, name) is { } text
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d) ? d : null;

    /// <summary>A field that real data holds as a string or as a list of strings.</summary>
    internal static IReadOnlyList<string> Strings(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var v))
        {
            return [];
        }
        return v.ValueKind switch
        {
            JsonValueKind.String => [v.GetString()!],
            JsonValueKind.Array => v.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToArray(),
            _ => [],
        };
    }

    /// <summary>The repo's id, as <c>id</c> or (old models) <c>modelId</c>; a repo without one cannot be stored.</summary>
    internal static string Id(JsonElement repo, string kind) =>
        String(repo, "id") ?? String(repo, "modelId") ?? throw new FormatException($"A {kind} without an id.");

    /// <summary>The author field, or the namespace of the id when the Hub left it out.</summary>
    internal static string Author(JsonElement repo, string id) =>
        String(repo, "author") ?? (id.Contains('/') ? id[..id.IndexOf('/')] : id);

    /// <summary>The card's front matter (<c>cardData</c>), or an undefined element when there is none.</summary>
    internal static JsonElement CardData(JsonElement repo) =>
        repo.TryGetProperty("cardData", out var c) && c.ValueKind == JsonValueKind.Object ? c : default;

    /// <summary>createdAt, with the Hub's "older than creation dates" sentinel read as unknown.</summary>
    internal static DateTimeOffset? CreatedAt(JsonElement repo) =>
        Date(repo, "createdAt") is { } created && created != ModelParser.UnknownCreatedAt ? created : null;

    /// <summary>A card field as a list; nothing when the card is absent.</summary>
    internal static IReadOnlyList<string> CardStrings(JsonElement card, string name) =>
        card.ValueKind == JsonValueKind.Object ? Strings(card, name) : [];

    /// <summary>The first of <paramref name="values"/>, or null when there are none.</summary>
    internal static string? First(IReadOnlyList<string> values) => values.Count > 0 ? values[0] : null;

    /// <summary>The typed tags with this prefix, or the card's field when the Hub typed none.</summary>
    internal static IReadOnlyList<string> Typed(IReadOnlyList<string> tags, string prefix, JsonElement card, string cardField)
    {
        var typed = Prefixed(tags, prefix).Distinct(StringComparer.Ordinal).ToArray();
        return typed.Length > 0 ? typed : CardStrings(card, cardField).Distinct(StringComparer.Ordinal).ToArray();
    }
}
