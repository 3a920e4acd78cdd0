using HubPlatform.Search.Embeddings;
using HubPlatform.Search.Index;
using HubPlatform.Search.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Search.Apis;

public sealed record SearchHit(string Id, string RepoType, double Score, string Snippet, string? PipelineTag, string? LibraryName, long Downloads, long Likes);

public sealed record SearchResults(string Query, string Mode, IReadOnlyList<SearchHit> Hits);

/// <summary>Filters every mode applies; null means "any".</summary>
public sealed record SearchFilters(string? PipelineTag, string? Library, string? License, string? Author, long? MinDownloads, long? MinLikes, DateTimeOffset? CreatedAfter);

/// <summary>
/// Find models by words (keyword: Postgres full text, weighted by field), by meaning (semantic:
/// all-MiniLM-L6-v2 and the USearch index), or both fused by reciprocal rank (hybrid, the default).
/// </summary>
public static class SearchApi
{
    public const int MaxQueryLength = 500;
    public const int MaxK = 100;
    private const int Candidates = 50;
    // The usual RRF constant: damps the weight of the very top ranks so neither list dominates.
    private const double RrfK = 60;
    private static readonly string[] Modes = ["hybrid", "semantic", "keyword"];
    private static readonly string[] Sorts = ["relevance", "downloads", "likes"];

    public static IEndpointRouteBuilder MapSearchApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/search", Search).WithTags("Search").WithName("SearchModels")
            .WithSummary("Find models by capability: mode=hybrid (default), semantic or keyword");
        app.MapGet("/api/search/status", Status).WithTags("Search").WithName("GetSearchStatus")
            .WithSummary("How far the pipeline is: documents, distinct texts embedded, vectors in this replica's index");
        return app;
    }

    private static async Task<Results<Ok<SearchResults>, ProblemHttpResult>> Search(
        SearchDbContext db, ResponseCache cache, SentenceEmbedder embedder, VectorIndex index, CancellationToken ct,
        string? q = null, int k = 10, string mode = "hybrid", string sort = "relevance",
        string? pipelineTag = null, string? library = null, string? license = null, string? author = null,
        long? minDownloads = null, long? minLikes = null, DateTimeOffset? createdAfter = null)
    {
        var filters = new SearchFilters(pipelineTag, library, license, author, minDownloads, minLikes, createdAfter);
        if (string.IsNullOrWhiteSpace(q) || q.Length > MaxQueryLength)
        {
            return TypedResults.Problem(title: "Invalid query", statusCode: 400, detail: $"q is required and at most {MaxQueryLength} characters.");
        }
        if (k is < 1 or > MaxK)
        {
            return TypedResults.Problem(title: "Invalid k", statusCode: 400, detail: $"k is between 1 and {MaxK}.");
        }
        if (!Modes.Contains(mode))
        {
            return TypedResults.Problem(title: "Invalid mode", statusCode: 400, detail: "mode is hybrid, semantic or keyword.");
        }
        if (!Sorts.Contains(sort))
        {
            return TypedResults.Problem(title: "Invalid sort", statusCode: 400, detail: "sort is relevance, downloads or likes.");
        }
        if (minDownloads < 0 || minLikes < 0)
        {
            return TypedResults.Problem(title: "Invalid filter", statusCode: 400, detail: "minDownloads and minLikes are ≥ 0.");
        }
        return TypedResults.Ok(await cache.GetOrCreateAsync($"search:{mode}:{k}:{sort}:{filters}:{q}", async () =>
        {
            var keyword = mode == "semantic" ? [] : await KeywordAsync(db, q, filters, mode == "keyword" ? k : Candidates, ct);
            var semantic = mode == "keyword" ? [] : await SemanticAsync(db, embedder, index, q, filters, mode == "semantic" ? k : Candidates, ct);
            var hits = mode switch
            {
                "keyword" => keyword.Take(k).ToList(),
                "semantic" => semantic.Take(k).ToList(),
                _ => Fuse(keyword, semantic, k),
            };
            // Sorting by popularity reorders the relevant set; it does not widen it.
            hits = sort switch
            {
                "downloads" => hits.OrderByDescending(h => h.Downloads).ThenBy(h => h.Id, StringComparer.Ordinal).ToList(),
                "likes" => hits.OrderByDescending(h => h.Likes).ThenBy(h => h.Id, StringComparer.Ordinal).ToList(),
                _ => hits,
            };
            return new SearchResults(q, mode, hits);
        }, TimeSpan.FromMinutes(10)));
    }

    public sealed record SearchStatus(long Documents, long DistinctTexts, long EmbeddedTexts, long IndexedVectors);

    private static async Task<Ok<SearchStatus>> Status(SearchDbContext db, VectorIndex index, CancellationToken ct) =>
        TypedResults.Ok(new SearchStatus(
            await db.Documents.LongCountAsync(ct),
            await db.Documents.Select(d => d.TextHash).Distinct().LongCountAsync(ct),
            await db.Embeddings.LongCountAsync(ct),
            index.Count));

    private static Task<List<SearchHit>> KeywordAsync(SearchDbContext db, string q, SearchFilters f, int k, CancellationToken ct) =>
        // websearch_to_tsquery accepts any user text (quotes, OR, -word) without syntax errors.
        db.Database.SqlQuery<SearchHit>($"""
            SELECT d.id AS "Id", d.repo_type AS "RepoType", ts_rank_cd(d.search_vector, query)::float8 AS "Score",
                   ts_headline('english', d.id || ' ' || coalesce(d.pipeline_tag, '') || ' ' || d.text, query, 'MaxWords=20, MinWords=5') AS "Snippet",
                   d.pipeline_tag AS "PipelineTag", d.library_name AS "LibraryName", d.downloads AS "Downloads", d.likes AS "Likes"
            FROM search.documents d, websearch_to_tsquery('english', {q}) query
            WHERE d.search_vector @@ query
              AND ({f.PipelineTag}::text IS NULL OR d.pipeline_tag = {f.PipelineTag})
              AND ({f.Library}::text IS NULL OR d.library_name = {f.Library})
              AND ({f.License}::text IS NULL OR d.license = {f.License})
              AND ({f.Author}::text IS NULL OR d.author = {f.Author})
              AND ({f.MinDownloads}::bigint IS NULL OR d.downloads >= {f.MinDownloads})
              AND ({f.MinLikes}::bigint IS NULL OR d.likes >= {f.MinLikes})
              AND ({f.CreatedAfter}::timestamptz IS NULL OR d.created_at >= {f.CreatedAfter})
            ORDER BY "Score" DESC, d.downloads DESC, d.id
            LIMIT {k}
            """).ToListAsync(ct);

    private static async Task<List<SearchHit>> SemanticAsync(SearchDbContext db, SentenceEmbedder embedder, VectorIndex index, string q, SearchFilters f, int k, CancellationToken ct)
    {
        // Filters apply after the ANN search, so it fetches a wider candidate set when any is set.
        var filtered = f != new SearchFilters(null, null, null, null, null, null, null);
        var matches = index.Search(embedder.Embed(q), filtered ? k * 10 : k);
        var keys = matches.Select(m => (long)m.Key).ToArray();
        var candidates = db.Documents.AsNoTracking().Where(d => keys.Contains(d.Key));
        if (f.PipelineTag is not null) candidates = candidates.Where(d => d.PipelineTag == f.PipelineTag);
        if (f.Library is not null) candidates = candidates.Where(d => d.LibraryName == f.Library);
        if (f.License is not null) candidates = candidates.Where(d => d.License == f.License);
        if (f.Author is not null) candidates = candidates.Where(d => d.Author == f.Author);
        if (f.MinDownloads is not null) candidates = candidates.Where(d => d.Downloads >= f.MinDownloads);
        if (f.MinLikes is not null) candidates = candidates.Where(d => d.Likes >= f.MinLikes);
        if (f.CreatedAfter is not null) candidates = candidates.Where(d => d.CreatedAt >= f.CreatedAfter);
        var documents = await candidates
            .Select(d => new { d.Key, d.Id, d.RepoType, d.EmbeddingText, d.PipelineTag, d.LibraryName, d.Downloads, d.Likes })
            .ToDictionaryAsync(d => d.Key, ct);
        return matches.Where(m => documents.ContainsKey((long)m.Key)).Take(k).Select(m =>
        {
            var d = documents[(long)m.Key];
            return new SearchHit(d.Id, d.RepoType, m.Similarity, d.EmbeddingText.Length > 200 ? d.EmbeddingText[..200] : d.EmbeddingText,
                d.PipelineTag, d.LibraryName, d.Downloads, d.Likes);
        }).ToList();
    }

    /// <summary>Reciprocal rank fusion: a repo's score is the sum of 1/(60 + rank) over the lists it appears in.</summary>
    public static List<SearchHit> Fuse(IReadOnlyList<SearchHit> keyword, IReadOnlyList<SearchHit> semantic, int k)
    {
        var scores = new Dictionary<string, (double Score, SearchHit Hit)>(StringComparer.Ordinal);
        foreach (var list in new[] { keyword, semantic })
        {
            for (var rank = 0; rank < list.Count; rank++)
            {
                var hit = list[rank];
                var score = scores.TryGetValue(hit.Id, out var seen) ? seen.Score : 0;
                scores[hit.Id] = (score + 1 / (RrfK + rank + 1), seen.Hit ?? hit);
            }
        }
        return scores.Values.OrderByDescending(s => s.Score).ThenBy(s => s.Hit.Id, StringComparer.Ordinal).Take(k)
            .Select(s => s.Hit with { Score = s.Score }).ToList();
    }
}
