using HubPlatform.Contracts;
using HubPlatform.Metrics.Queries;
using HubPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HubPlatform.Metrics.Apis;

/// <summary>Trends across snapshots: a model's numbers, an organization's, the hub's monthly growth and its churn.</summary>
public static class TrendsApi
{
    public static IEndpointRouteBuilder MapTrendsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/trends").WithTags("Trends");
        api.MapGet("/models/{**id}", Model).WithName("GetModelTrend").WithSummary("A model's downloads, likes and trending score in every snapshot that saw it");
        api.MapGet("/organizations/{name}", Organization).WithName("GetOrganizationTrend")
            .WithSummary("An organization's (or provider group's) repos, downloads and likes in every snapshot");
        api.MapGet("/growth", Growth).WithName("GetGrowth").WithSummary("Repos of a type the snapshot saw, by month of creation, with the running total");
        api.MapGet("/churn", Churn).WithName("GetChurn").WithSummary("Repos added and removed between consecutive full snapshots");
        return app;
    }

    private static async Task<Results<Ok<ModelTrend>, ProblemHttpResult>> Model(string id, TrendsQuery query, ResponseCache cache, CancellationToken ct)
    {
        if (!RepoIds.IsValid(id))
        {
            return InvalidRepoId.Problem();
        }
        var trend = await cache.GetOrCreateAsync($"trends:model:{id}", () => query.ModelAsync(id, ct));
        return trend is null ? Problems.NotFound("Model not found", $"No snapshot saw '{id}'.") : TypedResults.Ok(trend);
    }

    private static async Task<Results<Ok<OrganizationTrend>, ProblemHttpResult>> Organization(string name, TrendsQuery query, ResponseCache cache, CancellationToken ct)
    {
        if (!RepoIds.IsValid(name + "/x"))
        {
            return Problems.BadRequest("Invalid name", "name is a Hub account or provider group name.");
        }
        var trend = await cache.GetOrCreateAsync($"trends:org:{name.ToLowerInvariant()}", () => query.OrganizationAsync(name, ct));
        return trend is null ? Problems.NotFound("Organization not found", $"No snapshot saw a repo of '{name}'.") : TypedResults.Ok(trend);
    }

    private static async Task<Results<Ok<IReadOnlyList<GrowthMonth>>, ProblemHttpResult>> Growth(
        TrendsQuery query, SnapshotQuery snapshots, ResponseCache cache, CancellationToken ct, string repoType = RepoTypeNames.Model, Guid? snapshot = null)
    {
        if (RepoTypeParameter.One(repoType, out var type) is { } problem) return problem;
        var (s, missing) = await Problems.SnapshotAsync(snapshots, snapshot, ct);
        if (missing is not null) return missing;
        return TypedResults.Ok(await cache.GetOrCreateAsync($"trends:growth:{s!.Id}:{repoType}", () => query.GrowthAsync(s.Id, type, ct)));
    }

    private static async Task<Results<Ok<IReadOnlyList<ChurnPoint>>, ProblemHttpResult>> Churn(
        TrendsQuery query, ResponseCache cache, CancellationToken ct, string repoType = RepoTypeNames.Model)
    {
        if (RepoTypeParameter.One(repoType, out var type) is { } problem) return problem;
        return TypedResults.Ok(await cache.GetOrCreateAsync($"trends:churn:{repoType}", () => query.ChurnAsync(type, ct)));
    }
}
