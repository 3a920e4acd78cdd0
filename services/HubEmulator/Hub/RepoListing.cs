using System.Buffers.Text;
using System.Text;
using System.Text.Json.Nodes;

namespace HubPlatform.HubEmulator.Hub;

/// <summary>A parsed <c>GET /api/models</c> query.</summary>
public sealed record ListingQuery(
    string? Search,
    string? Author,
    IReadOnlyList<string> Filters,
    string? PipelineTag,
    string Sort,
    bool Descending,
    int Limit,
    string? Cursor);

public sealed record ListingPage(IReadOnlyList<JsonObject> Repos, string? NextCursor);

/// <summary>
/// Keyset pagination like the Hub's: the cursor names the last repo of the page by its sort
/// value and _id, so repos created during a crawl never shift later pages.
/// </summary>
public static class RepoListing
{
    public const int MaxLimit = 1000;

    public static ListingPage Page(RepoStore store, ListingQuery query)
    {
        var ordered = store.Ordered(query.Sort, query.Descending);
        var start = 0;
        if (query.Cursor is not null)
        {
            var (value, lastId) = DecodeCursor(query.Cursor);
            start = FirstAfter(ordered, query, value, lastId);
        }

        var page = new List<JsonObject>(Math.Min(query.Limit, 1024));
        var i = start;
        for (; i < ordered.Length && page.Count < query.Limit; i++)
        {
            if (Matches(ordered[i], query))
            {
                page.Add(ordered[i]);
            }
        }
        // Another page exists only if a later repo matches; look ahead so the last page has no Link.
        var more = false;
        for (; i < ordered.Length; i++)
        {
            if (Matches(ordered[i], query))
            {
                more = true;
                break;
            }
        }
        var next = more && page.Count > 0 ? EncodeCursor(SortKey.Value(page[^1], query.Sort), RepoStore.MongoId(page[^1])) : null;
        return new ListingPage(page, next);
    }

    private static int FirstAfter(JsonObject[] ordered, ListingQuery query, string value, string lastId)
    {
        int lo = 0, hi = ordered.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            var c = SortKey.CompareValue(ordered[mid], query.Sort, value);
            if (c == 0)
            {
                c = string.CompareOrdinal(RepoStore.MongoId(ordered[mid]), lastId);
            }
            if (query.Descending)
            {
                c = -c;
            }
            if (c <= 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }

    public static bool Matches(JsonObject repo, ListingQuery query)
    {
        var id = (string)repo["id"]!;
        if (query.Search is { Length: > 0 } s && !id.Contains(s, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        if (query.Author is { Length: > 0 } a && !string.Equals((string?)repo["author"] ?? id.Split('/')[0], a, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        if (query.PipelineTag is { Length: > 0 } p && (string?)repo["pipeline_tag"] != p)
        {
            return false;
        }
        if (query.Filters.Count > 0)
        {
            var tags = repo["tags"] as JsonArray;
            foreach (var filter in query.Filters)
            {
                if (tags is null || !tags.Any(t => string.Equals((string?)t, filter, StringComparison.OrdinalIgnoreCase)))
                {
                    return false;
                }
            }
        }
        return true;
    }

    public static string EncodeCursor(string value, string lastId) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{value}\u001f{lastId}"));

    public static (string Value, string LastId) DecodeCursor(string cursor)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            var split = text.Split('\u001f');
            return split.Length == 2 ? (split[0], split[1]) : throw new FormatException("Invalid cursor.");
        }
        catch (FormatException)
        {
            throw new FormatException("Invalid cursor.");
        }
    }
}
