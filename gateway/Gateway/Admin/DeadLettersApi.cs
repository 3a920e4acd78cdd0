using HubPlatform.Gateway.Extensions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HubPlatform.Gateway.Admin;

/// <summary>
/// Admin: what failed in the pipeline and why, and its replay once the cause is fixed. Under
/// /api/v1/admin, so the API key is required (see AdminApiKey).
/// </summary>
public static class DeadLettersApi
{
    public static IEndpointRouteBuilder MapDeadLettersApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(PublicApi.Prefix + "/admin/dead-letters").WithTags("Admin");
        api.MapGet("/{queue}", Inspect).WithName("GetDeadLetters")
            .WithSummary("How many messages of a consumer queue (e.g. metrics-models-observed) were dead-lettered, with a sample and their reasons");
        api.MapPost("/{queue}/replay", Replay).WithName("ReplayDeadLetters")
            .WithSummary("Sends a queue's dead-lettered messages back to it (after the cause is fixed)");
        return app;
    }

    private static async Task<Results<Ok<DeadLetterSummary>, ProblemHttpResult>> Inspect(
        string queue, DeadLetterQueues queues, CancellationToken ct, int sample = 10)
    {
        if (Invalid(queue) is { } problem)
        {
            return problem;
        }
        if (sample is < 0 or > 100)
        {
            return TypedResults.Problem(title: "Invalid sample", statusCode: 400, detail: "sample is 0..100.");
        }
        return await queues.InspectAsync(queue, sample, ct) is { } summary
            ? TypedResults.Ok(summary)
            : TypedResults.Problem(title: "No such error queue", statusCode: 404,
                detail: $"{queue}_error does not exist: nothing was dead-lettered there.");
    }

    private static async Task<Results<Ok<DeadLetterReplay>, ProblemHttpResult>> Replay(
        string queue, DeadLetterQueues queues, CancellationToken ct, int max = 10_000)
    {
        if (Invalid(queue) is { } problem)
        {
            return problem;
        }
        if (max is < 1 or > 1_000_000)
        {
            return TypedResults.Problem(title: "Invalid max", statusCode: 400, detail: "max is 1..1000000.");
        }
        return await queues.ReplayAsync(queue, max, ct) is { } replay
            ? TypedResults.Ok(replay)
            : TypedResults.Problem(title: "No such queue", statusCode: 404, detail: $"{queue} or {queue}_error does not exist.");
    }

    private static ProblemHttpResult? Invalid(string queue) =>
        DeadLetterQueues.QueueName().IsMatch(queue) && !queue.EndsWith("_error", StringComparison.Ordinal)
            ? null
            : TypedResults.Problem(title: "Invalid queue", statusCode: 400,
                detail: "A queue name is lower-case letters, digits and dashes, e.g. metrics-models-observed.");
}
