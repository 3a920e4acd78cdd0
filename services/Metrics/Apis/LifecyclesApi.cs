using HubPlatform.Metrics.Queries;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HubPlatform.Metrics.Apis;

public static class LifecyclesApi
{
    public static IEndpointRouteBuilder MapLifecyclesApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/lifecycles").WithTags("Lifecycles").MapGet("/", Lifecycles).WithName("GetLifecycles")
            .WithSummary("Downloads against model age by release cohort (median, share still downloaded), the half-life of that share "
                + "(age where it first falls to half its age-0 value, interpolated), "
                + "and persistent (≥52 weeks old, ≥half of peak) vs fading (<10% of peak) models");
        return app;
    }

    private static async Task<Results<Ok<Lifecycles>, ProblemHttpResult>> Lifecycles(
        LifecyclesQuery query, SnapshotQuery snapshots, ResponseCache cache, CancellationToken ct,
        string cohort = "quarter", string metric = "downloads", Guid? snapshot = null)
    {
        if (Problems.First(Problems.OneOf("cohort", cohort, LifecyclesQuery.CohortKinds),
            Problems.OneOf("metric", metric, LifecyclesQuery.Metrics)) is { } problem) return problem;
        var (s, missing) = await Problems.SnapshotAsync(snapshots, snapshot, ct);
        if (missing is not null) return missing;
        return TypedResults.Ok(await cache.GetOrCreateAsync($"lifecycles:{s!.Id}:{cohort}:{metric}", () => query.LifecyclesAsync(s, cohort, ct)));
    }
}
