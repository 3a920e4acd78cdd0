using HubPlatform.Contracts;
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

    private sealed record KeywordRow(
        string Id, string RepoType, double Score, double CardScore, string Snippet, string? PipelineTag, string? LibraryName,
        long Downloads, long Likes, long? Parameters, DateTimeOffset? CreatedAt, double? TrendingScore);

    public static async Task<List<SearchHit>> KeywordAsync(SearchDbContext db, string q, SearchFilters f, int k, CancellationToken ct)
    {
        // websearch_to_tsquery accepts any user text (quotes, OR, -word) without syntax errors. The headline and the
        // card prose's own rank are computed for the k rows kept only: they re-parse the text, the costly part.
        // Card prose sits in weight D, as an unweighted tsvector does, so its rank is on the same scale.
        var rows = await db.Database.SqlQueryRaw<KeywordRow>($"""
            SELECT r.id AS "Id", r.repo_type AS "RepoType", r.score AS "Score",
                   CASE WHEN r.card_text = '' THEN 0 ELSE ts_rank_cd(to_tsvector('english', r.card_text), r.query)::float8 END AS "CardScore",
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
        return rows.Select(r => new SearchHit(r.Id, r.RepoType, r.Score, r.Snippet, r.PipelineTag, r.LibraryName, r.Downloads, r.Likes,
            r.Parameters, r.CreatedAt, r.TrendingScore, Evidence.FromScores(Math.Min(r.CardScore, r.Score), r.Score - Math.Min(r.CardScore, r.Score)))).ToList();
    }

    private sealed record MatchedPassage(
        string Id, string RepoType, float Similarity, float? CardSimilarity, float? MetadataSimilarity, string Snippet, string? PipelineTag, string? LibraryName,
        long Downloads, long Likes, long? Parameters, DateTimeOffset? CreatedAt, double? TrendingScore);

    /// <summary>
    /// The repos behind <paramref name="matches"/> (keys of distinct texts) that pass the filters, best first:
    /// every repo whose document or card chunk has a matched text, each once, scored by its most similar text,
    /// which is its snippet. A text many repos share (a card template) brings them all; ties go to the more
    /// downloaded. Keys no row names any more (a removed repo, a replaced chunk) are skipped.
    /// </summary>
    public static async Task<List<SearchHit>> ReposOfAsync(
        SearchDbContext db, IEnumerable<VectorMatch> matches, SearchFilters f, int k, string? excludeId, CancellationToken ct)
    {
        var best = matches.GroupBy(m => m.Key).Select(g => g.MaxBy(m => m.Similarity)).ToArray();
        if (best.Length == 0)
        {
            return [];
        }
        var passages = await db.Database.SqlQueryRaw<MatchedPassage>($"""
            SELECT r.* FROM (
                SELECT DISTINCT ON (d.repo_type, d.id)
                       d.id AS "Id", d.repo_type AS "RepoType", m.similarity AS "Similarity",
                       max(m.similarity) FILTER (WHERE h.card) OVER repo AS "CardSimilarity",
                       max(m.similarity) FILTER (WHERE NOT h.card) OVER repo AS "MetadataSimilarity",
                       left(h.snippet, {SnippetLength}) AS "Snippet",
                       d.pipeline_tag AS "PipelineTag", d.library_name AS "LibraryName", d.downloads AS "Downloads", d.likes AS "Likes",
                       d.parameters AS "Parameters", d.created_at AS "CreatedAt", d.trending_score AS "TrendingScore"
                FROM unnest(@keys, @similarities) AS m(key, similarity)
                JOIN search.embeddings e ON e.key = m.key
                CROSS JOIN LATERAL (SELECT repo_type, id, embedding_text AS snippet, false AS card FROM search.documents WHERE text_hash = e.text_hash
                                    UNION ALL SELECT repo_type, id, text, true FROM search.chunks WHERE text_hash = e.text_hash) h
                JOIN search.documents d ON d.repo_type = h.repo_type AND d.id = h.id
                WHERE {FilterSql} AND (@exclude_id IS NULL OR d.id <> @exclude_id)
                WINDOW repo AS (PARTITION BY d.repo_type, d.id)
                ORDER BY d.repo_type, d.id, m.similarity DESC) r
            ORDER BY r."Similarity" DESC, r."Downloads" DESC, r."Id"
            LIMIT @k
            """, [.. Parameters(f), new NpgsqlParameter("keys", best.Select(m => (long)m.Key).ToArray()),
                  new NpgsqlParameter("similarities", best.Select(m => m.Similarity).ToArray()),
                  new NpgsqlParameter("exclude_id", NpgsqlDbType.Text) { Value = (object?)excludeId ?? DBNull.Value },
                  new NpgsqlParameter("k", k)]).ToListAsync(ct);
        return passages.Select(p => new SearchHit(p.Id, p.RepoType, p.Similarity, p.Snippet, p.PipelineTag, p.LibraryName, p.Downloads, p.Likes,
            p.Parameters, p.CreatedAt, p.TrendingScore, Evidence.FromScores(p.CardSimilarity ?? 0, p.MetadataSimilarity ?? 0))).ToList();
    }

    /// <summary>
    /// The vector keys (distinct texts) of the repos that pass the filters when their rows (documents and
    /// chunks) number at most <paramref name="limit"/>, so they can all be scored exactly; otherwise null.
    /// Rows are counted first, with a limit, so a broad filter stops early.
    /// </summary>
    public static async Task<long[]?> CandidateKeysAsync(SearchDbContext db, SearchFilters f, int limit, CancellationToken ct)
    {
        var rows = await db.Database.SqlQueryRaw<long>($"""
            SELECT count(*) AS "Value" FROM (
                SELECT 1 FROM (SELECT d.text_hash FROM search.documents d WHERE {FilterSql}
                               UNION ALL
                               SELECT c.text_hash FROM search.chunks c JOIN search.documents d ON d.repo_type = c.repo_type AND d.id = c.id WHERE {FilterSql}) x
                LIMIT @limit) n
            """, [.. Parameters(f), new NpgsqlParameter("limit", limit + 1)]).SingleAsync(ct);
        if (rows > limit)
        {
            return null;
        }
        return [.. await db.Database.SqlQueryRaw<long>($"""
            SELECT DISTINCT e.key AS "Value"
            FROM (SELECT d.text_hash FROM search.documents d WHERE {FilterSql}
                  UNION ALL
                  SELECT c.text_hash FROM search.chunks c JOIN search.documents d ON d.repo_type = c.repo_type AND d.id = c.id WHERE {FilterSql}) x
            JOIN search.embeddings e ON e.text_hash = x.text_hash
            """, Parameters(f)).ToListAsync(ct)];
    }

    private static NpgsqlParameter[] Parameters(SearchFilters f) =>
    [
        new("repo_type", f.RepoType.Name()),
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
