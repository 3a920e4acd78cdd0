using HubPlatform.Metrics.Dimensions;
using HubPlatform.Metrics.Queries;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HubPlatform.Metrics.Apis;

/// <summary>DataVerse: which organizations publish which datasets, what the datasets are about, and the most downloaded ones.</summary>
public static class DataVerseApi
{
    public static IEndpointRouteBuilder MapDataVerseApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/dataverse").WithTags("DataVerse");
        api.MapGet("/organizations", Organizations).WithName("GetDataVerseOrganizations")
            .WithSummary("Top-K organizations by dataset downloads, all-time downloads, likes or count, each with its share, and the rest as " +
                         "\"others\"");
        api.MapGet("/treemap", Treemap).WithName("GetDataVerseTreemap")
            .WithSummary("Top-K organizations and their top datasets, as an organization → dataset hierarchy");
        api.MapGet("/breakdown", Breakdown).WithName("GetDataVerseBreakdown")
            .WithSummary("Datasets by task category, domain, org type, license, modality or size category (a dataset counts under each of its " +
                         "values; share is of the filtered total)");
        api.MapGet("/top", Top).WithName("GetDataVerseTop")
            .WithSummary("The most downloaded datasets with their task categories, domains and benchmark flag");
        return app;
    }

    private static ProblemHttpResult? Invalid(string metric, DatasetFilter f) => Problems.First(
        Problems.OneOf("metric", metric, DataVerseQuery.Metrics),
        Problems.OneOf("orgType", f.OrgType, OrgTypes.All),
        Problems.OneOf("domain", f.Domain, DatasetDomains.All.Append(DatasetDomains.None)));

    private static async Task<Results<Ok<DatasetOrganizationRanking>, ProblemHttpResult>> Organizations(
        DataVerseQuery query, SnapshotQuery snapshots, ResponseCache cache, HttpRequest request, CancellationToken ct,
        string metric = "downloads", int k = 20, Guid? snapshot = null, string? taskCategory = null, string? domain = null,
        string? modality = null, string? license = null, string? orgType = null)
    {
        var filter = new DatasetFilter(taskCategory, domain, modality, license, orgType);
        if (Problems.First(Invalid(metric, filter), Problems.InRange("k", k, 1, 500)) is { } problem) return problem;
        var (s, missing) = await Problems.SnapshotAsync(snapshots, snapshot, ct);
        if (missing is not null) return missing;
        return TypedResults.Ok(await cache.GetOrCreateAsync($"dataverse:orgs:{s!.Id}:{request.QueryString}",
            () => query.TopOrganizationsAsync(s.Id, metric, k, filter, ct)));
    }

    private static async Task<Results<Ok<IReadOnlyList<DatasetTreemapOrganization>>, ProblemHttpResult>> Treemap(
        DataVerseQuery query, SnapshotQuery snapshots, ResponseCache cache, HttpRequest request, CancellationToken ct,
        string metric = "downloads", int k = 20, int datasetsPerOrganization = 10, Guid? snapshot = null, string? taskCategory = null,
        string? domain = null, string? modality = null, string? license = null, string? orgType = null)
    {
        var filter = new DatasetFilter(taskCategory, domain, modality, license, orgType);
        if (Problems.First(Invalid(metric, filter), Problems.InRange("k", k, 1, 500),
                Problems.InRange("datasetsPerOrganization", datasetsPerOrganization, 1, 100)) is { } problem) return problem;
        var (s, missing) = await Problems.SnapshotAsync(snapshots, snapshot, ct);
        if (missing is not null) return missing;
        return TypedResults.Ok(await cache.GetOrCreateAsync($"dataverse:treemap:{s!.Id}:{request.QueryString}",
            () => query.TreemapAsync(s.Id, metric, k, datasetsPerOrganization, filter, ct)));
    }

    private static async Task<Results<Ok<DatasetBreakdown>, ProblemHttpResult>> Breakdown(
        DataVerseQuery query, SnapshotQuery snapshots, ResponseCache cache, HttpRequest request, CancellationToken ct,
        string by = "taskCategory", string metric = "count", Guid? snapshot = null, string? taskCategory = null, string? domain = null,
        string? modality = null, string? license = null, string? orgType = null)
    {
        var filter = new DatasetFilter(taskCategory, domain, modality, license, orgType);
        if (Problems.First(Problems.OneOf("by", by, DataVerseQuery.BreakdownKeys), Invalid(metric, filter)) is { } problem) return problem;
        var (s, missing) = await Problems.SnapshotAsync(snapshots, snapshot, ct);
        if (missing is not null) return missing;
        return TypedResults.Ok(await cache.GetOrCreateAsync($"dataverse:breakdown:{s!.Id}:{request.QueryString}",
            () => query.BreakdownAsync(s.Id, by, metric, filter, ct)));
    }

    private static async Task<Results<Ok<IReadOnlyList<TopDataset>>, ProblemHttpResult>> Top(
        DataVerseQuery query, SnapshotQuery snapshots, ResponseCache cache, HttpRequest request, CancellationToken ct,
        int k = 20, bool? benchmark = null, Guid? snapshot = null)
    {
        if (Problems.InRange("k", k, 1, 500) is { } problem) return problem;
        var (s, missing) = await Problems.SnapshotAsync(snapshots, snapshot, ct);
        if (missing is not null) return missing;
        return TypedResults.Ok(await cache.GetOrCreateAsync($"dataverse:top:{s!.Id}:{request.QueryString}",
            () => query.TopDatasetsAsync(s.Id, k, benchmark, ct)));
    }
}
