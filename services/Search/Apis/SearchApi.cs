using HubPlatform.Search.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Search.Apis;

public sealed record SearchHit(string Id, string RepoType, double Score, string Snippet, string? PipelineTag, string? LibraryName, long Downloads, long Likes);

public sealed record SearchResults(string Query, string Mode, IReadOnlyList<SearchHit> Hits);

public static class SearchApi
{
    public const int MaxQueryLength = 500;
    public const int MaxK = 100;

    public static IEndpointRouteBuilder MapSearchApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/search", Search).WithTags("Search").WithName("SearchModels")
            .WithSummary("Find models by words (keyword mode: Postgres full text, weighted by field)");
        return app;
    }

    private static async Task<Results<Ok<SearchResults>, ProblemHttpResult>> Search(
        SearchDbContext db, ResponseCache cache, CancellationToken ct, string? q = null, int k = 10)
    {
        if (string.IsNullOrWhiteSpace(q) || q.Length > MaxQueryLength)
        {
            return TypedResults.Problem(new ProblemDetails
            {
                Title = "Invalid query",
                Status = 400,
                Detail = $"q is required and at most {MaxQueryLength} characters.",
            });
        }
        if (k is < 1 or > MaxK)
        {
            return TypedResults.Problem(new ProblemDetails { Title = "Invalid k", Status = 400, Detail = $"k is between 1 and {MaxK}." });
        }
        var results = await cache.GetOrCreateAsync($"keyword:{k}:{q}", async () =>
        {
            // websearch_to_tsquery accepts any user text (quotes, OR, -word) without syntax errors.
            var hits = await db.Database.SqlQuery<SearchHit>($"""
                SELECT d.id AS "Id", d.repo_type AS "RepoType", ts_rank_cd(d.search_vector, query)::float8 AS "Score",
                       ts_headline('english', d.id || ' ' || coalesce(d.pipeline_tag, '') || ' ' || d.text, query, 'MaxWords=20, MinWords=5') AS "Snippet",
                       d.pipeline_tag AS "PipelineTag", d.library_name AS "LibraryName", d.downloads AS "Downloads", d.likes AS "Likes"
                FROM search.documents d, websearch_to_tsquery('english', {q}) query
                WHERE d.search_vector @@ query
                ORDER BY "Score" DESC, d.downloads DESC, d.id
                LIMIT {k}
                """).ToListAsync(ct);
            return new SearchResults(q, "keyword", hits);
        });
        return TypedResults.Ok(results);
    }
}
