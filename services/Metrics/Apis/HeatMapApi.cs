using HubPlatform.Contracts;
using HubPlatform.Metrics.Dimensions;
using HubPlatform.Metrics.Queries;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HubPlatform.Metrics.Apis;

/// <summary>Organization HeatMap: repos created per day over a rolling window, and organizations ranked by that activity.</summary>
public static class HeatMapApi
{
    public static IEndpointRouteBuilder MapHeatMapApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/heatmap").WithTags("HeatMap");
        api.MapGet("/organizations/{name}", Organization).WithName("GetOrganizationHeatMap")
            .WithSummary("Repos an organization (or provider group such as \"meta\") created per day in the weeks up to the snapshot; days with activity only");
        api.MapGet("/ranking", Ranking).WithName("GetHeatMapRanking")
            .WithSummary("Organizations ranked by the repos they created in the weeks up to the snapshot, with their active days");
        return app;
    }

    private static async Task<Results<Ok<OrganizationHeatMap>, ProblemHttpResult>> Organization(
        string name, HeatMapQuery query, SnapshotQuery snapshots, ResponseCache cache, HttpRequest request, CancellationToken ct,
        int weeks = 52, string repoType = RepoTypeParameter.All, Guid? snapshot = null)
    {
        if (Problems.First(Problems.InRange("weeks", weeks, 1, 520), RepoTypeParameter.OneOrAll(repoType, out var type),
                RepoIds.IsValid(name + "/x") ? null : Problems.BadRequest("Invalid name", "name is a Hub account or provider group name.")) is { } problem) return problem;
        var (s, missing) = await Problems.SnapshotAsync(snapshots, snapshot, ct);
        if (missing is not null) return missing;
        return TypedResults.Ok(await cache.GetOrCreateAsync($"heatmap:org:{s!.Id}:{name.ToLowerInvariant()}:{request.QueryString}",
            () => query.OrganizationAsync(s, name, weeks, type, ct)));
    }

    private static async Task<Results<Ok<IReadOnlyList<ActivityRank>>, ProblemHttpResult>> Ranking(
        HeatMapQuery query, SnapshotQuery snapshots, ResponseCache cache, HttpRequest request, CancellationToken ct,
        int k = 20, int weeks = 52, string? orgType = null, Guid? snapshot = null)
    {
        if (Problems.First(Problems.InRange("k", k, 1, 500), Problems.InRange("weeks", weeks, 1, 520), Problems.OneOf("orgType", orgType, OrgTypes.All)) is { } problem) return problem;
        var (s, missing) = await Problems.SnapshotAsync(snapshots, snapshot, ct);
        if (missing is not null) return missing;
        return TypedResults.Ok(await cache.GetOrCreateAsync($"heatmap:ranking:{s!.Id}:{request.QueryString}", () => query.RankingAsync(s, k, weeks, orgType, ct)));
    }
}
