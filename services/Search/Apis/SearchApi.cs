using HubPlatform.Contracts;
using HubPlatform.Search.Embeddings;
using HubPlatform.Search.Index;
using HubPlatform.Search.Infrastructure;
using HubPlatform.Search.Pipeline;
using HubPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace HubPlatform.Search.Apis;

/// <summary>
/// Find models and datasets by words (keyword: Postgres full text, weighted by field, over metadata and
/// card prose), by meaning (semantic: all-MiniLM-L6-v2 and the USearch index over each repo's metadata
/// text and card chunks), or both fused by reciprocal rank (hybrid, the default); and repos similar to a repo.
/// </summary>
public static class SearchApi
{
    public const int MaxQueryLength = 500;
    public const int MaxK = 100;
    private const int Candidates = 50;
    // A wide beam: a repo matches with several texts (document, chunks) and one index holds every repo type.
    // (When the index held one vector per row, hundreds of identical template vectors trapped HNSW's greedy
    // search with a narrow beam; it now holds each distinct text once.)
    private const int MinAnnCandidates = 2_000;
    private const int MaxAnnCandidates = 4_000;
    // A filter that leaves at most this many vectors (documents and chunks) is scored exactly: about 8 ms of
    // dot products, less than widening the approximate search would cost for so selective a filter.
    public const int ExactScoringLimit = 20_000;
    // The usual RRF constant: damps the weight of the very top ranks so neither list dominates.
    private const double RrfK = 60;
    private static readonly string[] Modes = ["hybrid", "semantic", "keyword"];
    private static readonly string[] Sorts = ["relevance", "downloads", "likes", "trending"];

    public static IEndpointRouteBuilder MapSearchApi(this IEndpointRouteBuilder app)
    {
        var search = app.MapGroup("/api/search").WithTags("Search");
        search.MapGet("", Search).WithName("SearchRepos")
            .WithSummary("Find models or datasets by capability: mode=hybrid (default), semantic or keyword; repoType=model (default) or dataset; " +
                         "sort=relevance (default), downloads, likes or trending (the Hub's trendingScore) reorders the relevant hits");
        search.MapGet("/status", Status).WithName("GetSearchStatus")
            .WithSummary("How far the pipeline is: documents, chunks, texts embedded and waiting, vectors in this replica's index");
        search.MapGet("/similar/{**id}", Similar).WithName("GetSimilarRepos")
            .WithSummary("Repos similar to a repo, by its own vectors (metadata text and card chunks); the repo itself is left out");
        return app;
    }

    private static async Task<Results<Ok<SearchResults>, ProblemHttpResult>> Search(
        SearchDbContext db, ResponseCache cache, SentenceEmbedder embedder, VectorIndex index, IOptions<SemanticSearchOptions> semanticOptions,
        CancellationToken ct, string? q = null, int k = 10, string mode = "hybrid", string sort = "relevance", string repoType = RepoTypeNames.Model,
        string? pipelineTag = null, string? library = null, string? license = null, string? author = null,
        long? minDownloads = null, long? minLikes = null, DateTimeOffset? createdAfter = null,
        long? minParameters = null, long? maxParameters = null)
    {
        if (string.IsNullOrWhiteSpace(q) || q.Length > MaxQueryLength)
        {
            return TypedResults.Problem(title: "Invalid query", statusCode: 400, detail: $"q is required and at most {MaxQueryLength} characters.");
        }
        if (Invalid(k, repoType, out var type) is { } invalid)
        {
            return invalid;
        }
        if (!Modes.Contains(mode))
        {
            return TypedResults.Problem(title: "Invalid mode", statusCode: 400, detail: "mode is hybrid, semantic or keyword.");
        }
        if (!Sorts.Contains(sort))
        {
            return TypedResults.Problem(title: "Invalid sort", statusCode: 400, detail: "sort is relevance, downloads, likes or trending.");
        }
        if (minDownloads < 0 || minLikes < 0 || minParameters < 0 || maxParameters < 0)
        {
            return TypedResults.Problem(title: "Invalid filter", statusCode: 400, detail: "minDownloads, minLikes, minParameters and maxParameters are ≥ 0.");
        }
        if (minParameters > maxParameters)
        {
            return TypedResults.Problem(title: "Invalid filter", statusCode: 400, detail: "minParameters is at most maxParameters.");
        }
        var filters = new SearchFilters(type, pipelineTag, library, license, author, minDownloads, minLikes, createdAfter, minParameters, maxParameters);
        return TypedResults.Ok(await cache.GetOrCreateAsync($"search:{mode}:{k}:{sort}:{filters}:{q}", async () =>
        {
            var keyword = mode == "semantic" ? [] : await SearchQueries.KeywordAsync(db, q, filters, mode == "keyword" ? k : Candidates, ct);
            var (semantic, partial) = mode == "keyword" ? ([], false)
                : await SemanticAsync(db, embedder, index, semanticOptions.Value, q, filters, mode == "semantic" ? k : Candidates, ct);
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
                // The Hub's own trendingScore of the latest observation (recent likes, weighted); repos without one last.
                "trending" => hits.OrderByDescending(h => h.TrendingScore ?? double.NegativeInfinity).ThenBy(h => h.Id, StringComparer.Ordinal).ToList(),
                _ => hits,
            };
            return new SearchResults(q, mode, type.Name(), hits, partial);
        }, TimeSpan.FromMinutes(10)));
    }

    private static async Task<Results<Ok<SimilarResults>, ProblemHttpResult>> Similar(
        string id, SearchDbContext db, ResponseCache cache, VectorIndex index, CancellationToken ct, int k = 10, string repoType = RepoTypeNames.Model)
    {
        if (!RepoIds.IsValid(id))
        {
            return InvalidRepoId.Problem();
        }
        if (Invalid(k, repoType, out var type) is { } invalid)
        {
            return invalid;
        }
        var stored = type.Name();
        if (!await db.Documents.AsNoTracking().AnyAsync(d => d.RepoType == stored && d.Id == id, ct))
        {
            return TypedResults.Problem(title: "Unknown repo", statusCode: 404, detail: $"Search holds no {stored} '{id}'.");
        }
        var keys = await VectorRows.KeysOfAsync(db, type, id, ct);
        var vectors = await VectorRows.VectorsAsync(db, [.. keys], ct);
        if (vectors.Count == 0)
        {
            return TypedResults.Problem(title: "Not embedded yet", statusCode: 409,
                detail: $"'{id}' has no vector yet; the embedding worker will get to it (see /api/search/status).");
        }
        return TypedResults.Ok(await cache.GetOrCreateAsync($"similar:{stored}:{k}:{id}", async () =>
        {
            // Every text of the repo is a query; another repo scores as its best pair, and repos sharing one of
            // its texts (the same card template) come first. Its own keys come back first, so each query asks for that many more.
            var wanted = Math.Clamp(k * 10 + keys.Count, MinAnnCandidates, MaxAnnCandidates);
            var matches = vectors.SelectMany(v => index.Search(v.Vector, wanted));
            var hits = await SearchQueries.ReposOfAsync(db, matches, SearchFilters.Only(type), k, excludeId: id, ct);
            return new SimilarResults(id, stored, hits);
        }, TimeSpan.FromMinutes(10)));
    }

    private static async Task<Ok<SearchStatus>> Status(
        SearchDbContext db, VectorIndex index, IndexState state, EmbeddingProgress progress, SentenceEmbedder embedder, CancellationToken ct)
    {
        var byType = await db.Documents.GroupBy(d => d.RepoType).Select(g => new { g.Key, Count = g.LongCount() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var distinct = await db.Database.SqlQuery<long>($"""
            SELECT count(DISTINCT text_hash) AS "Value" FROM (SELECT text_hash FROM search.documents UNION ALL SELECT text_hash FROM search.chunks) t
            """).SingleAsync(ct);
        var latest = await db.Database.SqlQuery<long>($"SELECT last_value AS \"Value\" FROM search.vector_versions").SingleAsync(ct);
        var cards = await db.Database.SqlQuery<CardCounts>($"""
            SELECT c.repo_type AS "RepoType", count(*) AS "WithCard",
                   count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM search.chunks ch WHERE ch.repo_type = c.repo_type AND ch.id = c.id AND NOT ch.embedded)) AS "Embedded"
            FROM search.cards c JOIN search.documents d ON d.repo_type = c.repo_type AND d.id = c.id
            GROUP BY c.repo_type
            """).ToDictionaryAsync(c => c.RepoType, ct);
        var models = byType.GetValueOrDefault(RepoTypeNames.Model);
        var datasets = byType.GetValueOrDefault(RepoTypeNames.Dataset);
        var modelCards = cards.GetValueOrDefault(RepoTypeNames.Model) ?? new CardCounts(RepoTypeNames.Model, 0, 0);
        var datasetCards = cards.GetValueOrDefault(RepoTypeNames.Dataset) ?? new CardCounts(RepoTypeNames.Dataset, 0, 0);
        var backlog = await VectorRows.BacklogAsync(db, ct);
        var rate = progress.TextsPerSecond();
        double? eta = backlog == 0 ? 0 : rate > 0 ? Math.Round(backlog / rate.Value / 3600, 3) : null;
        return TypedResults.Ok(new SearchStatus(
            byType.Values.Sum(), models, datasets,
            await db.Cards.LongCountAsync(ct), await db.Chunks.LongCountAsync(ct), distinct, await db.Embeddings.LongCountAsync(ct),
            backlog, index.Count, state.Watermark, latest, progress.EmbeddedSinceStart, progress.LastEmbeddedAt,
            embedder.ExecutionProvider.ToString().ToLowerInvariant(), embedder.Precision.ToString().ToLowerInvariant(),
            new CardCoverage(modelCards.WithCard, modelCards.Embedded, Share(modelCards.WithCard, models),
                datasetCards.WithCard, datasetCards.Embedded, Share(datasetCards.WithCard, datasets),
                Share(modelCards.Embedded, models), Share(datasetCards.Embedded, datasets)),
            rate is { } r ? Math.Round(r, 1) : null, eta));
    }

    private sealed record CardCounts(string RepoType, long WithCard, long Embedded);

    private static double Share(long part, long whole) => whole == 0 ? 0 : Math.Round(part / (double)whole, 4);

    private static ProblemHttpResult? Invalid(int k, string repoType, out RepoType type)
    {
        var repoTypeProblem = RepoTypeProblem(repoType, out type);
        return k is < 1 or > MaxK ? TypedResults.Problem(title: "Invalid k", statusCode: 400, detail: $"k is between 1 and {MaxK}.") : repoTypeProblem;
    }

    /// <summary>
    /// The <c>repoType</c> query parameter as the enum: it binds as the documented word ("model", "dataset") and is read here,
    /// so an unknown word (or "space", which search does not hold) is a 400 problem naming the allowed words.
    /// </summary>
    public static ProblemHttpResult? RepoTypeProblem(string repoType, out RepoType type) =>
        RepoTypeNames.TryParse(repoType, out type) && SearchRepoTypes.IsSearched(type) ? null
        : TypedResults.Problem(title: "Invalid repoType", statusCode: 400,
            detail: $"repoType is {string.Join(" or ", SearchRepoTypes.All.Select(t => t.Name()))}.");

    /// <summary>
    /// The k repos most similar in meaning that pass the filters, and whether the search stopped short. Filters
    /// apply to repos, not vectors, so an approximate search that fetches a fixed number of vectors can come back
    /// with too few repos when the filter is selective. A filter whose candidate vectors are few (counted in
    /// Postgres) scores them all exactly; otherwise the approximate search widens until k repos pass, it has
    /// looked at every vector, or it reaches <see cref="SemanticSearchOptions.MaxCandidates"/>: then the answer
    /// is partial (more repos may pass the filters further out).
    /// </summary>
    private static async Task<(List<SearchHit> Hits, bool Partial)> SemanticAsync(
        SearchDbContext db, SentenceEmbedder embedder, VectorIndex index, SemanticSearchOptions options, string q, SearchFilters f, int k, CancellationToken ct)
    {
        var query = embedder.Embed(q);
        if (f.Narrows)
        {
            if (await SearchQueries.CandidateKeysAsync(db, f, ExactScoringLimit, ct) is { } candidates)
            {
                return (await SearchQueries.ReposOfAsync(db, index.Score(query, candidates.Select(c => (ulong)c)), f, k, excludeId: null, ct), false);
            }
        }
        // A repo may match with several chunks (and one index holds every repo type), so even unfiltered the
        // search fetches more vectors than repos wanted.
        var limit = Math.Max(1, options.MaxCandidates);
        var wanted = Math.Min(Math.Clamp(k * 10, MinAnnCandidates, MaxAnnCandidates), limit);
        while (true)
        {
            var hits = await SearchQueries.ReposOfAsync(db, index.Search(query, wanted), f, k, excludeId: null, ct);
            var total = index.Count;
            if (hits.Count >= k || wanted >= total)
            {
                return (hits, false);
            }
            if (wanted >= limit)
            {
                return (hits, true);
            }
            wanted = (int)Math.Min(Math.Min(wanted * 4L, total), limit);
        }
    }

    /// <summary>
    /// Reciprocal rank fusion: a repo's score is the sum of 1/(60 + rank) over the lists it appears in; its
    /// evidence is each list's, weighted by what that list added to the score.
    /// </summary>
    public static List<SearchHit> Fuse(IReadOnlyList<SearchHit> keyword, IReadOnlyList<SearchHit> semantic, int k)
    {
        var scores = new Dictionary<string, (double Score, double Card, SearchHit Hit)>(StringComparer.Ordinal);
        // Semantic first: when a repo is in both lists, its snippet is the passage it was found by in meaning.
        foreach (var list in new[] { semantic, keyword })
        {
            for (var rank = 0; rank < list.Count; rank++)
            {
                var hit = list[rank];
                var part = 1 / (RrfK + rank + 1);
                var seen = scores.GetValueOrDefault(hit.Id);
                scores[hit.Id] = (seen.Score + part, seen.Card + part * hit.Evidence.Card, seen.Hit ?? hit);
            }
        }
        return scores.Values.OrderByDescending(s => s.Score).ThenBy(s => s.Hit.Id, StringComparer.Ordinal).Take(k)
            .Select(s => s.Hit with { Score = s.Score, Evidence = Evidence.FromScores(s.Card, s.Score - s.Card) }).ToList();
    }
}
