using HubPlatform.Metrics.Queries;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HubPlatform.Metrics.Apis;

public static class SummaryApi
{
    public static IEndpointRouteBuilder MapSummaryApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/summary").WithTags("Summary").MapGet("/", Summary).WithName("GetSummary")
            .WithSummary("A snapshot's headline numbers: totals, share of derivative models, top organizations and model downloads by org type and " +
                         "modality");
        return app;
    }

    private static async Task<Results<Ok<EcosystemSummary>, ProblemHttpResult>> Summary(
        SummaryQuery query, SnapshotQuery snapshots, ResponseCache cache, CancellationToken ct, Guid? snapshot = null)
    {
        var (s, missing) = await Problems.SnapshotAsync(snapshots, snapshot, ct);
        if (missing is not null) return missing;
        return TypedResults.Ok(await cache.GetOrCreateAsync($"summary:{s!.Id}", () => query.SummaryAsync(s, ct)));
    }
}
