using HubPlatform.Search.Index;
using HubPlatform.Search.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace HubPlatform.Search.Apis;

/// <summary>
/// The queries behind search: keyword (Postgres full text over metadata and card prose), and the step
/// that turns vector matches (documents and card chunks) into repos: a repo scores as its best match and
/// shows that passage as its snippet.
/// </summary>
public static class SearchQueries
{
    public const int SnippetLength = 280;

    // One filter clause for both queries, over the documents aliased d.
    private const string FilterSql = """
        d.repo_type = @repo_type
          AND (@pipeline_tag IS NULL OR d.pipeline_tag = @pipeline_tag)
          AND (@library IS NULL OR d.library_name = @library)
          AND (@license IS NULL OR d.license = @license)
          AND (@author IS NULL OR d.author = @author)
          AND (@min_downloads IS NULL OR d.downloads >= @min_downloads)
          AND (@min_likes IS NULL OR d.likes >= @min_likes)
          AND (@created_after IS NULL OR d.created_at >= @created_after)
          AND (@min_parameters IS NULL OR d.parameters >= @min_parameters)
          AND (@max_parameters IS NULL OR d.parameters <= @max_parameters)
        """;

    public static Task<List<SearchHit>> KeywordAsync(SearchDbContext db, string q, SearchFilters f, int k, CancellationToken ct) =>
        // websearch_to_tsquery accepts any user text (quotes, OR, -word) without syntax errors. The headline is
        // computed for the k rows kept only: it re-parses the text, the costly part of a keyword query.
        db.Database.SqlQueryRaw<SearchHit>($"""
            SELECT r.id AS "Id", r.repo_type AS "RepoType", r.score AS "Score",
                   ts_headline('english', r.id || ' ' || coalesce(r.pipeline_tag, '') || ' ' || r.text || ' ' || r.card_text, r.query,
                               'MaxWords=30, MinWords=10') AS "Snippet",
                   r.pipeline_tag AS "PipelineTag", r.library_name AS "LibraryName", r.downloads AS "Downloads", r.likes AS "Likes",
                   r.parameters AS "Parameters", r.created_at AS "CreatedAt", r.trending_score AS "TrendingScore"
            FROM (SELECT d.*, query, ts_rank_cd(d.search_vector, query)::float8 AS score
                  FROM search.documents d, websearch_to_tsquery('english', @q) query
                  WHERE d.search_vector @@ query AND {FilterSql}
                  ORDER BY score DESC, d.downloads DESC, d.id
                  LIMIT @k) r
            ORDER BY r.score DESC, r.downloads DESC, r.id
            """, [.. Parameters(f), new NpgsqlParameter("q", q), new NpgsqlParameter("k", k)]).ToListAsync(ct);

    private sealed record MatchedPassage(
        long Key, string Snippet, string Id, string RepoType, string? PipelineTag, string? LibraryName,
        long Downloads, long Likes, long? Parameters, DateTimeOffset? CreatedAt, double? TrendingScore);

    /// <summary>
    /// The repos behind <paramref name="matches"/> that pass the filters, best first: each repo once, scored
    /// by its most similar vector (its document's or one of its card's chunks), whose text is the snippet.
    /// Keys without a row (a removed repo, a replaced chunk) are skipped.
    /// </summary>
    public static async Task<List<SearchHit>> ReposOfAsync(
        SearchDbContext db, IEnumerable<VectorMatch> matches, SearchFilters f, int k, string? excludeId, CancellationToken ct)
    {
        var best = matches.GroupBy(m => m.Key).Select(g => g.MaxBy(m => m.Similarity)).OrderByDescending(m => m.Similarity).ToArray();
        var keys = best.Select(m => (long)m.Key).ToArray();
        var passages = await db.Database.SqlQueryRaw<MatchedPassage>($"""
            SELECT h.vkey AS "Key", left(h.snippet, {SnippetLength}) AS "Snippet", d.id AS "Id", d.repo_type AS "RepoType",
                   d.pipeline_tag AS "PipelineTag", d.library_name AS "LibraryName", d.downloads AS "Downloads", d.likes AS "Likes",
                   d.parameters AS "Parameters", d.created_at AS "CreatedAt", d.trending_score AS "TrendingScore"
            FROM (SELECT key AS vkey, repo_type, id, embedding_text AS snippet FROM search.documents WHERE key = ANY(@keys)
                  UNION ALL SELECT key, repo_type, id, text FROM search.chunks WHERE key = ANY(@keys)) h
            JOIN search.documents d ON d.repo_type = h.repo_type AND d.id = h.id
            WHERE {FilterSql}
            """, [.. Parameters(f), new NpgsqlParameter("keys", keys)]).ToDictionaryAsync(p => p.Key, ct);
        var hits = new List<SearchHit>(k);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var match in best)
        {
            if (!passages.TryGetValue((long)match.Key, out var p) || p.Id == excludeId || !seen.Add(p.Id))
            {
                continue;
            }
            hits.Add(new SearchHit(p.Id, p.RepoType, match.Similarity, p.Snippet, p.PipelineTag, p.LibraryName, p.Downloads, p.Likes, p.Parameters, p.CreatedAt, p.TrendingScore));
            if (hits.Count == k)
            {
                break;
            }
        }
        return hits;
    }

    /// <summary>
    /// The vector keys (documents' and their chunks') of the repos that pass the filters, at most
    /// <paramref name="limit"/>: few enough means they can all be scored exactly.
    /// </summary>
    public static async Task<long[]> CandidateKeysAsync(SearchDbContext db, SearchFilters f, int limit, CancellationToken ct) =>
        [.. await db.Database.SqlQueryRaw<long>($"""
            SELECT x.key AS "Value" FROM (
                SELECT d.key FROM search.documents d WHERE {FilterSql}
                UNION ALL
                SELECT c.key FROM search.chunks c JOIN search.documents d ON d.repo_type = c.repo_type AND d.id = c.id WHERE {FilterSql}) x
            LIMIT @limit
            """, [.. Parameters(f), new NpgsqlParameter("limit", limit)]).ToListAsync(ct)];

    private static NpgsqlParameter[] Parameters(SearchFilters f) =>
    [
        new("repo_type", f.RepoType),
        new("pipeline_tag", NpgsqlDbType.Text) { Value = (object?)f.PipelineTag ?? DBNull.Value },
        new("library", NpgsqlDbType.Text) { Value = (object?)f.Library ?? DBNull.Value },
        new("license", NpgsqlDbType.Text) { Value = (object?)f.License ?? DBNull.Value },
        new("author", NpgsqlDbType.Text) { Value = (object?)f.Author ?? DBNull.Value },
        new("min_downloads", NpgsqlDbType.Bigint) { Value = (object?)f.MinDownloads ?? DBNull.Value },
        new("min_likes", NpgsqlDbType.Bigint) { Value = (object?)f.MinLikes ?? DBNull.Value },
        new("created_after", NpgsqlDbType.TimestampTz) { Value = (object?)f.CreatedAfter ?? DBNull.Value },
        new("min_parameters", NpgsqlDbType.Bigint) { Value = (object?)f.MinParameters ?? DBNull.Value },
        new("max_parameters", NpgsqlDbType.Bigint) { Value = (object?)f.MaxParameters ?? DBNull.Value },
    ];
}
