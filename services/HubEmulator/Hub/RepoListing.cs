using System.Buffers.Text;
using System.Text;

namespace HubPlatform.HubEmulator.Hub;

/// <summary>A parsed <c>GET /api/{models,datasets,spaces}</c> query.</summary>
public sealed record ListingQuery(
    string? Search,
    string? Author,
    IReadOnlyList<string> Filters,
    string? PipelineTag,
    string Sort,
    bool Descending,
    int Limit,
    string? Cursor);

/// <summary>A page of repo indices into the collection, and the cursor of the next page if any.</summary>
public sealed record ListingPage(IReadOnlyList<int> Repos, string? NextCursor);

/// <summary>
/// Keyset pagination like the Hub's: the cursor names the last repo of the page by its sort
/// value and _id, so repos created during a crawl never shift later pages.
/// </summary>
public static class RepoListing
{
    public const int MaxLimit = 1000;

    public static ListingPage Page(RepoCollection repos, ListingQuery query)
    {
        var ordered = repos.Ordered(query.Sort, query.Descending);
        // The author first: it is the cheapest test and the most selective.
        var filters = (query.Author is { Length: > 0 } author ? [repos.AuthorFilter(author)] : Array.Empty<Func<int, bool>>())
            .Concat(query.Filters.Select(repos.TagFilter))
            .ToArray();
        var start = 0;
        if (query.Cursor is not null)
        {
            var (value, lastId) = DecodeCursor(query.Cursor);
            start = FirstAfter(repos, ordered, query, value, lastId);
        }

        var page = new List<int>(Math.Min(query.Limit, 1024));
        var i = start;
        for (; i < ordered.Length && page.Count < query.Limit; i++)
        {
            if (Matches(repos, ordered[i], query, filters))
            {
                page.Add(ordered[i]);
            }
        }
        // Another page exists only if a later repo matches; look ahead so the last page has no Link.
        var more = false;
        for (; i < ordered.Length && !more; i++)
        {
            more = Matches(repos, ordered[i], query, filters);
        }
        var next = more && page.Count > 0 ? EncodeCursor(repos.SortValue(page[^1], query.Sort), repos.MongoId(page[^1])) : null;
        return new ListingPage(page, next);
    }

    private static int FirstAfter(RepoCollection repos, int[] ordered, ListingQuery query, SortValue value, string lastId)
    {
        int lo = 0, hi = ordered.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            var c = repos.SortValue(ordered[mid], query.Sort).CompareTo(value);
            if (c == 0)
            {
                c = string.CompareOrdinal(repos.MongoId(ordered[mid]), lastId);
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

    private static bool Matches(RepoCollection repos, int index, ListingQuery query, Func<int, bool>[] filters)
    {
        foreach (var filter in filters)
        {
            if (!filter(index))
            {
                return false;
            }
        }
        if (query.PipelineTag is { Length: > 0 } p && repos.PipelineTag(index) != p)
        {
            return false;
        }
        return query.Search is not { Length: > 0 } s || repos.Id(index).Contains(s, StringComparison.OrdinalIgnoreCase);
    }

    public static string EncodeCursor(SortValue value, string lastId) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{value.Format()}\u001f{lastId}"));

    public static (SortValue Value, string LastId) DecodeCursor(string cursor)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            var split = text.Split('\u001f');
            return split.Length == 2 ? (SortValue.Parse(split[0]), split[1]) : throw new FormatException("Invalid cursor.");
        }
        catch (FormatException)
        {
            throw new FormatException("Invalid cursor.");
        }
    }
}
