using HubPlatform.Lineage.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Lineage.Apis;

public sealed record BaseModelLink(string Id, string Relation, bool Stated, bool Resolved);

public sealed record RelationCounts(long Finetunes, long Adapters, long Quantizations, long Merges)
{
    public long Total => Finetunes + Adapters + Quantizations + Merges;
}

/// <summary>A model's tree as the Hub shows it: its base models above, counts of derivatives below.</summary>
public sealed record ModelTree(string Id, bool Resolved, IReadOnlyList<BaseModelLink> BaseModels, RelationCounts Children, RelationCounts Descendants);

public static class ModelTreeApi
{
    public static IEndpointRouteBuilder MapModelTreeApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/lineage").WithTags("Lineage");
        api.MapGet("/{**id}", GetModelTree).WithName("GetModelTree")
            .WithSummary("A model's base models and the counts of finetunes, adapters, quantizations and merges below it");
        return app;
    }

    private sealed record RelationCount(string Relation, long Count);

    private static async Task<Results<Ok<ModelTree>, ProblemHttpResult>> GetModelTree(
        string id, LineageDbContext db, ResponseCache cache, CancellationToken ct)
    {
        if (!RepoIds.IsValid(id))
        {
            return TypedResults.Problem(RepoIds.Problem(id));
        }
        var tree = await cache.GetOrCreateAsync($"tree:{id.ToLowerInvariant()}", () => LoadAsync(id, db, ct));
        return tree is null
            ? TypedResults.Problem(new ProblemDetails { Title = "Model not found", Status = 404, Detail = $"'{id}' is neither a crawled model nor a named base model." })
            : TypedResults.Ok(tree);
    }

    private static async Task<ModelTree?> LoadAsync(string id, LineageDbContext db, CancellationToken ct)
    {
        var node = await db.Models.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, ct);
        if (node is null)
        {
            return null;
        }
        var bases = await db.Edges.AsNoTracking().Where(e => e.ModelId == id)
            .Join(db.Models, e => e.BaseModelId, m => m.Id, (e, m) => new BaseModelLink(e.BaseModelId, e.Relation, e.Stated, m.Resolved))
            .ToListAsync(ct);
        var children = await db.Edges.AsNoTracking().Where(e => e.BaseModelId == id)
            .GroupBy(e => e.Relation).Select(g => new RelationCount(g.Key, g.LongCount())).ToListAsync(ct);
        // UNION (not UNION ALL) keeps each model once, so a cycle in declared lineage cannot loop.
        var descendants = await db.Database.SqlQuery<RelationCount>($"""
            WITH RECURSIVE below(model_id) AS (
                SELECT e.model_id FROM lineage.edges e WHERE e.base_model_id = {id}
                UNION
                SELECT e.model_id FROM lineage.edges e JOIN below b ON e.base_model_id = b.model_id
            )
            SELECT e.relation AS "Relation", count(DISTINCT e.model_id) AS "Count"
            FROM lineage.edges e
            WHERE (e.base_model_id = {id} OR e.base_model_id IN (SELECT model_id FROM below)) AND e.model_id <> {id}
            GROUP BY e.relation
            """).ToListAsync(ct);
        return new ModelTree(node.Id, node.Resolved, bases, Counts(children), Counts(descendants));
    }

    private static RelationCounts Counts(List<RelationCount> counts)
    {
        long Of(string relation) => counts.FirstOrDefault(c => c.Relation == relation)?.Count ?? 0;
        return new RelationCounts(Of("finetune"), Of("adapter"), Of("quantized"), Of("merge"));
    }
}
