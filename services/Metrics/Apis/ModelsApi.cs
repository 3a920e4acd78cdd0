using HubPlatform.Contracts;
using HubPlatform.Metrics.Infrastructure;
using HubPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Metrics.Apis;

/// <summary>A model's dimensions and its numbers in the latest snapshot that saw it.</summary>
public sealed record ModelDetails(
    string Id, string Author, DateTimeOffset? CreatedAt, string? PipelineTag, string? LibraryName, string? License,
    long? ParameterCount, string Gated, string[] Languages, bool Removed,
    Guid SnapshotId, DateTimeOffset ObservedAt, long Downloads, long? DownloadsAllTime, long Likes, double? TrendingScore);

public static class ModelsApi
{
    public static IEndpointRouteBuilder MapModelsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/models").WithTags("Models");
        api.MapGet("/{**id}", GetModel).WithName("GetModel").WithSummary("A model's metadata and latest numbers");
        return app;
    }

    private static async Task<Results<Ok<ModelDetails>, ProblemHttpResult>> GetModel(
        string id, MetricsDbContext db, ResponseCache cache, CancellationToken ct)
    {
        if (!RepoIds.IsValid(id))
        {
            return InvalidRepoId.Problem();
        }
        var details = await cache.GetOrCreateAsync($"model:{id.ToLowerInvariant()}", () => LoadAsync(id, db, ct));
        return details is null
            ? TypedResults.Problem(new ProblemDetails { Title = "Model not found", Status = 404, Detail = $"No model '{id}' has been crawled." })
            : TypedResults.Ok(details);
    }

    private static async Task<ModelDetails?> LoadAsync(string id, MetricsDbContext db, CancellationToken ct)
    {
        var model = await db.Models.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, ct);
        if (model is null)
        {
            return null;
        }
        var fact = await db.ModelFacts.AsNoTracking().Where(f => f.ModelId == id).OrderByDescending(f => f.ObservedAt).FirstAsync(ct);
        return new ModelDetails(model.Id, model.Author, model.CreatedAt, model.PipelineTag, model.LibraryName, model.License,
            model.ParameterCount, model.Gated, model.Languages, model.RemovedInSnapshot is not null,
            fact.SnapshotId, fact.ObservedAt, fact.Downloads, fact.DownloadsAllTime, fact.Likes, fact.TrendingScore);
    }
}
