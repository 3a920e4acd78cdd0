using HubPlatform.Contracts;
using HubPlatform.Lineage.Graph;
using HubPlatform.Lineage.Infrastructure;
using HubPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace HubPlatform.Lineage.Apis;

public sealed record RelationCounts(long Finetunes, long Adapters, long Quantizations, long Merges)
{
    public long Total => Finetunes + Adapters + Quantizations + Merges;

    public static RelationCounts From(IReadOnlyList<RelationCount> counts)
    {
        long Of(string relation) => counts.FirstOrDefault(c => c.Relation == relation)?.Count ?? 0;
        return new RelationCounts(Of(RelationInference.Finetune), Of(RelationInference.Adapter), Of(RelationInference.Quantized),
            Of(RelationInference.Merge));
    }
}

/// <summary>
/// A model's tree as the Hub shows it: its base models above, counts of derivatives below.
/// <c>Truncated</c>: the counts come from a live walk that stopped at its cap (lower bounds);
/// <c>RolledUpSnapshotId</c>: they were read from that snapshot's rollup.
/// </summary>
public sealed record ModelTree(string Id, bool Resolved, IReadOnlyList<BaseModelLink> BaseModels, RelationCounts Children, RelationCounts Descendants,
    bool Truncated, Guid? RolledUpSnapshotId);

public static class ModelTreeApi
{
    public static IEndpointRouteBuilder MapModelTreeApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/lineage").WithTags("Lineage");
        api.MapGet("/{**id}", GetModelTree).WithName("GetModelTree")
            .WithSummary("A model's base models and the counts of finetunes, adapters, quantizations and merges below it")
            .WithDescription(AsOfParameter.Description);
        return app;
    }

    private static async Task<Results<Ok<ModelTree>, ProblemHttpResult>> GetModelTree(
        string id, LineageDbContext db, FamilyQueries family, FamilyCounts counts, ResponseCache cache, CancellationToken ct, string? asOf = null)
    {
        if (!RepoIds.IsValid(id))
        {
            return InvalidRepoId.Problem();
        }
        var (moment, problem) = await AsOfParameter.ResolveAsync(asOf, db, ct);
        if (problem is not null)
        {
            return problem;
        }
        var tree = await cache.GetOrCreateAsync($"tree:{moment.Key}:{id.ToLowerInvariant()}", () => LoadAsync(id, moment, family, counts, ct));
        return tree is null
            ? TypedResults.Problem(new ProblemDetails
            {
                Title = "Model not found", Status = 404,
                Detail = $"'{id}' is neither a crawled model nor a named base model at that time."
            })
            : TypedResults.Ok(tree);
    }

    private static async Task<ModelTree?> LoadAsync(string id, GraphAsOf asOf, FamilyQueries family, FamilyCounts counts, CancellationToken ct)
    {
        if (!await family.ExistsAsync(id, asOf, ct))
        {
            return null;
        }
        var resolved = await family.ResolvedAsync(id, asOf, ct);
        var bases = await family.BaseModelsAsync(id, asOf, ct);
        var below = await counts.CountsAsync(id, asOf, ct);
        return new ModelTree(id, resolved, bases, RelationCounts.From(below.Children), RelationCounts.From(below.Descendants),
            below.Truncated, below.RolledUpSnapshotId);
    }
}
