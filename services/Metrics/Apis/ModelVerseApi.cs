using HubPlatform.Metrics.Dimensions;
using HubPlatform.Metrics.ModelVerse;
using HubPlatform.Metrics.Queries;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HubPlatform.Metrics.Apis;

/// <summary>ModelVerse: which organizations contribute which models, by downloads, all-time downloads, likes or count.</summary>
public static class ModelVerseApi
{
    public static IEndpointRouteBuilder MapModelVerseApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/modelverse").WithTags("ModelVerse");
        api.MapGet("/organizations", Organizations).WithName("GetModelVerseOrganizations")
            .WithSummary("Top-K organizations by a metric, each with its share, and the rest as \"others\"");
        api.MapGet("/treemap", Treemap).WithName("GetModelVerseTreemap")
            .WithSummary("Top-K organizations and their top models, as an organization → model hierarchy");
        return app;
    }

    private static async Task<Results<Ok<OrganizationRanking>, ProblemHttpResult>> Organizations(
        ModelVerseQuery query, SnapshotQuery snapshots, ResponseCache cache, HttpRequest request, CancellationToken ct,
        string metric = "downloads", int k = 20, Guid? snapshot = null, string? pipelineTag = null, string? modality = null,
        long? minParameters = null, long? maxParameters = null, DateTimeOffset? createdFrom = null, DateTimeOffset? createdTo = null,
        string? orgType = null)
    {
        var filter = new ModelFilter(snapshot, pipelineTag, modality, minParameters, maxParameters, createdFrom, createdTo, orgType);
        if (Invalid(metric, k, filter) is { } problem)
        {
            return problem;
        }
        if ((snapshot ?? (await snapshots.ResolveAsync(null, ct))?.Id) is not { } id)
        {
            return TypedResults.Problem(title: "No snapshot yet", statusCode: 404, detail: "No snapshot has been ingested.");
        }
        return TypedResults.Ok(await cache.GetOrCreateAsync($"modelverse:orgs:{id}:{request.QueryString}",
            () => query.TopOrganizationsAsync(id, metric, k, filter, ct)));
    }

    private static async Task<Results<Ok<IReadOnlyList<TreemapOrganization>>, ProblemHttpResult>> Treemap(
        ModelVerseQuery query, SnapshotQuery snapshots, ResponseCache cache, HttpRequest request, CancellationToken ct,
        string metric = "downloads", int k = 20, int modelsPerOrganization = 10, Guid? snapshot = null, string? pipelineTag = null,
        string? modality = null, long? minParameters = null, long? maxParameters = null, DateTimeOffset? createdFrom = null,
        DateTimeOffset? createdTo = null, string? orgType = null)
    {
        var filter = new ModelFilter(snapshot, pipelineTag, modality, minParameters, maxParameters, createdFrom, createdTo, orgType);
        if (Invalid(metric, k, filter) is { } problem)
        {
            return problem;
        }
        if (modelsPerOrganization is < 1 or > 100)
        {
            return TypedResults.Problem(title: "Invalid modelsPerOrganization", statusCode: 400, detail: "modelsPerOrganization is 1..100.");
        }
        if ((snapshot ?? (await snapshots.ResolveAsync(null, ct))?.Id) is not { } id)
        {
            return TypedResults.Problem(title: "No snapshot yet", statusCode: 404, detail: "No snapshot has been ingested.");
        }
        return TypedResults.Ok(await cache.GetOrCreateAsync($"modelverse:treemap:{id}:{request.QueryString}",
            () => query.TreemapAsync(id, metric, k, modelsPerOrganization, filter, ct)));
    }

    private static ProblemHttpResult? Invalid(string metric, int k, ModelFilter f) =>
        !ModelVerseQuery.Metrics.Contains(metric) ? TypedResults.Problem(title: "Invalid metric", statusCode: 400,
            detail: $"metric is one of {string.Join(", ", ModelVerseQuery.Metrics)}.")
        : k is < 1 or > 500 ? TypedResults.Problem(title: "Invalid k", statusCode: 400, detail: "k is 1..500.")
        : f.Modality is not null && !Modality.IsKnown(f.Modality)
            ? TypedResults.Problem(title: "Invalid modality", statusCode: 400,
                detail: $"modality is one of {string.Join(", ", Modality.PipelineTags.Keys)}.")
        : f.OrgType is not null && !OrgTypes.IsKnown(f.OrgType)
            ? TypedResults.Problem(title: "Invalid orgType", statusCode: 400, detail: $"orgType is one of {string.Join(", ", OrgTypes.All)}.")
        : f.MinParameters > f.MaxParameters || f.CreatedFrom > f.CreatedTo
            ? TypedResults.Problem(title: "Invalid range", statusCode: 400, detail: "A range's lower bound is above its upper bound.")
        : null;
}
