using HubPlatform.Contracts;
using HubPlatform.Lineage.Graph;
using HubPlatform.Lineage.Infrastructure;
using HubPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Lineage.Apis;

/// <summary>A page of descendants; <c>Truncated</c>: the walk stopped at its cap, so <c>Total</c> counts the nearest levels only.</summary>
public sealed record DescendantsPage(string Id, int Depth, string? Relation, string Sort, long Total, int Offset, IReadOnlyList<FamilyMember> Models,
    bool Truncated);

public sealed record FamilyGraph(string Id, IReadOnlyList<FamilyMember> Nodes, IReadOnlyList<FamilyEdge> Edges, bool Truncated, long TotalNodes);

public sealed record FamilyRank(string BaseModelId, string? Author, long Descendants, long DescendantDownloads,
    long Finetunes, long Adapters, long Quantizations, long Merges);

public sealed record OrganizationRank(string Author, long BaseModels, long Descendants, long DescendantDownloads);

/// <summary>
/// The Base Model Explorer's walks: ancestors, descendants level by level, the family as a
/// drawable graph, and which base models (and whose) became platforms. Every walk takes
/// <c>asOf</c>; the rankings read the newest snapshot rolled up by then.
/// </summary>
public static class FamilyApi
{
    private static readonly string[] Relations = [RelationInference.Finetune, RelationInference.Adapter, RelationInference.Quantized,
        RelationInference.Merge];
    private static readonly string[] Sorts = ["id", "downloads", "likes", "created"];

    public static IEndpointRouteBuilder MapFamilyApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/lineage").WithTags("Lineage");
        api.MapGet("/ancestors/{**id}", Ancestors).WithName("GetAncestors").WithSummary("A model's base models up to the roots, with distances")
            .WithDescription(AsOfParameter.Description);
        api.MapGet("/descendants/{**id}", Descendants).WithName("GetDescendants")
            .WithSummary("A model's descendants level by level: depth limit, relation filter, sort (id, downloads, likes, created), paging")
            .WithDescription(AsOfParameter.Description);
        api.MapGet("/graph/{**id}", Graph).WithName("GetFamilyGraph")
            .WithSummary("The family as nodes and edges for drawing, capped, with a truncated marker")
            .WithDescription(AsOfParameter.Description);
        api.MapGet("/leaderboard", Leaderboard).WithName("GetBaseModelLeaderboard")
            .WithSummary("Base models ranked by number of descendants or by their descendants' downloads")
            .WithDescription(AsOfParameter.Description + " (the newest snapshot rolled up by then)");
        api.MapGet("/organizations", Organizations).WithName("GetPlatformOrganizations").WithSummary("Whose models became platforms")
            .WithDescription(AsOfParameter.Description + " (the newest snapshot rolled up by then)");
        return app;
    }

    private static async Task<Results<Ok<List<FamilyMember>>, ProblemHttpResult>> Ancestors(
        string id, LineageDbContext db, FamilyQueries family, ResponseCache cache, CancellationToken ct, string? asOf = null)
    {
        if (!RepoIds.IsValid(id))
        {
            return InvalidRepoId.Problem();
        }
        var (moment, problem) = await AsOfParameter.ResolveAsync(asOf, db, ct);
        return problem ?? (Results<Ok<List<FamilyMember>>, ProblemHttpResult>)TypedResults.Ok(
            await cache.GetOrCreateAsync($"ancestors:{moment.Key}:{id}", () => family.AncestorsAsync(id, moment, ct)));
    }

    private static async Task<Results<Ok<DescendantsPage>, ProblemHttpResult>> Descendants(
        string id, LineageDbContext db, FamilyQueries family, ResponseCache cache, CancellationToken ct,
        int depth = 1, string? relation = null, string sort = "id", int offset = 0, int limit = 100, string? asOf = null)
    {
        if (Invalid(id, depth, relation, sort, offset, limit) is { } invalid)
        {
            return invalid;
        }
        var (moment, problem) = await AsOfParameter.ResolveAsync(asOf, db, ct);
        if (problem is not null)
        {
            return problem;
        }
        return TypedResults.Ok(await cache.GetOrCreateAsync($"descendants:{moment.Key}:{id}:{depth}:{relation}:{sort}:{offset}:{limit}", async () =>
        {
            var (page, total, truncated) = await family.DescendantsAsync(id, moment, depth, relation, sort, offset, limit, ct);
            return new DescendantsPage(id, depth, relation, sort, total, offset, page, truncated);
        }));
    }

    private static async Task<Results<Ok<FamilyGraph>, ProblemHttpResult>> Graph(
        string id, LineageDbContext db, FamilyQueries family, ResponseCache cache, CancellationToken ct, int maxNodes = 500, int depth = 3,
        string? asOf = null)
    {
        if (!RepoIds.IsValid(id))
        {
            return InvalidRepoId.Problem();
        }
        if (maxNodes is < 1 or > 5000 || depth is < 1 or > FamilyQueries.MaxDepth)
        {
            return TypedResults.Problem(title: "Invalid graph size", statusCode: 400,
                detail: $"maxNodes is 1..5000 and depth 1..{FamilyQueries.MaxDepth}.");
        }
        var (moment, problem) = await AsOfParameter.ResolveAsync(asOf, db, ct);
        if (problem is not null)
        {
            return problem;
        }
        return TypedResults.Ok(await cache.GetOrCreateAsync($"graph:{moment.Key}:{id}:{maxNodes}:{depth}", async () =>
        {
            var ancestors = await family.AncestorsAsync(id, moment, ct);
            // Nearest first, so a cap keeps the levels that matter most for drawing.
            var (below, total, walkTruncated) = await family.DescendantsAsync(id, moment, depth, null, "downloads", 0, maxNodes, ct);
            var nodes = ancestors.Concat(below).Take(maxNodes).ToList();
            var ids = nodes.Select(n => n.Id).Append(id).ToHashSet(StringComparer.Ordinal);
            var edges = await family.EdgesAmongAsync(ids, moment, ct);
            var allNodes = ancestors.Count + total;
            return new FamilyGraph(id, nodes, edges, walkTruncated || allNodes > nodes.Count, allNodes);
        }));
    }

    private static async Task<Results<Ok<List<FamilyRank>>, ProblemHttpResult>> Leaderboard(
        LineageDbContext db, FamilyStatistics statistics, ResponseCache cache, CancellationToken ct, string by = "descendants", int k = 20,
        string? asOf = null)
    {
        if (by is not ("descendants" or "downloads") || k is < 1 or > 1000)
        {
            return TypedResults.Problem(title: "Invalid leaderboard", statusCode: 400, detail: "by is descendants or downloads; k is 1..1000.");
        }
        var (moment, problem) = await AsOfParameter.ResolveAsync(asOf, db, ct);
        if (problem is not null)
        {
            return problem;
        }
        return TypedResults.Ok(await cache.GetOrCreateAsync($"leaderboard:{moment.Key}:{by}:{k}", async () =>
        {
            if (await statistics.RolledUpSnapshotAsync(moment, ct) is not { } snapshot)
            {
                return [];
            }
            var sizes = db.FamilySizes.AsNoTracking().Where(f => f.SnapshotId == snapshot.Id);
            var ordered = by == "downloads"
                ? sizes.OrderByDescending(f => f.DescendantDownloads).ThenByDescending(f => f.Descendants)
                : sizes.OrderByDescending(f => f.Descendants).ThenByDescending(f => f.DescendantDownloads);
            return await ordered.ThenBy(f => f.BaseModelId).Take(k)
                .Select(f => new FamilyRank(f.BaseModelId, db.Models.Where(m => m.Id == f.BaseModelId).Select(m => m.Author).FirstOrDefault(),
                    f.Descendants, f.DescendantDownloads, f.Finetunes, f.Adapters, f.Quantizations, f.Merges))
                .ToListAsync(ct);
        }));
    }

    private static async Task<Results<Ok<List<OrganizationRank>>, ProblemHttpResult>> Organizations(
        LineageDbContext db, FamilyStatistics statistics, ResponseCache cache, CancellationToken ct, int k = 20, string? asOf = null)
    {
        if (k is < 1 or > 1000)
        {
            return TypedResults.Problem(title: "Invalid k", statusCode: 400, detail: "k is 1..1000.");
        }
        var (moment, problem) = await AsOfParameter.ResolveAsync(asOf, db, ct);
        if (problem is not null)
        {
            return problem;
        }
        // A base model's author is its namespace, known even when the base itself was never crawled.
        return TypedResults.Ok(await cache.GetOrCreateAsync($"organizations:{moment.Key}:{k}", async () =>
            await statistics.RolledUpSnapshotAsync(moment, ct) is not { } snapshot ? [] :
            await db.Database.SqlQuery<OrganizationRank>($"""
                SELECT split_part(f.base_model_id, '/', 1) AS "Author", count(*) AS "BaseModels",
                       sum(f.descendants)::bigint AS "Descendants", sum(f.descendant_downloads)::bigint AS "DescendantDownloads"
                FROM lineage.family_sizes f
                WHERE f.snapshot_id = {snapshot.Id} AND f.base_model_id LIKE '%/%'
                GROUP BY 1
                ORDER BY "Descendants" DESC, "Author"
                LIMIT {k}
                """).ToListAsync(ct)));
    }

    private static ProblemHttpResult? Invalid(string id, int depth, string? relation, string sort, int offset, int limit) =>
        !RepoIds.IsValid(id) ? InvalidRepoId.Problem()
        : depth is < 1 or > FamilyQueries.MaxDepth ? TypedResults.Problem(title: "Invalid depth", statusCode: 400,
            detail: $"depth is 1..{FamilyQueries.MaxDepth}.")
        : relation is not null && !Relations.Contains(relation)
            ? TypedResults.Problem(title: "Invalid relation", statusCode: 400, detail: $"relation is one of {string.Join(", ", Relations)}.")
        : !Sorts.Contains(sort) ? TypedResults.Problem(title: "Invalid sort", statusCode: 400, detail: $"sort is one of {string.Join(", ", Sorts)}.")
        : offset < 0
            || limit is < 1 or > 1000 ? TypedResults.Problem(title: "Invalid page", statusCode: 400, detail: "offset ≥ 0 and limit 1..1000.")
        : null;
}
