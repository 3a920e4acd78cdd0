using HubPlatform.Metrics.Queries;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HubPlatform.Metrics.Apis;

/// <summary>The RFC 7807 answers every metrics endpoint gives for bad parameters and missing snapshots.</summary>
internal static class Problems
{
    public static ProblemHttpResult BadRequest(string title, string detail) => TypedResults.Problem(title: title, statusCode: 400, detail: detail);

    public static ProblemHttpResult NoSnapshot(Guid? requested) => requested is { } id
        ? TypedResults.Problem(title: "Snapshot not found", statusCode: 404, detail: $"Metrics has no snapshot {id}.")
        : TypedResults.Problem(title: "No snapshot yet", statusCode: 404, detail: "No snapshot has been ingested.");

    public static ProblemHttpResult NotFound(string title, string detail) => TypedResults.Problem(title: title, statusCode: 404, detail: detail);

    /// <summary>A 400 unless the (optional) value is one of the allowed ones.</summary>
    public static ProblemHttpResult? OneOf(string name, string? value, IEnumerable<string> allowed) =>
        value is null || allowed.Contains(value) ? null : BadRequest($"Invalid {name}", $"{name} is one of {string.Join(", ", allowed)}.");

    public static ProblemHttpResult? InRange(string name, int value, int min, int max) =>
        value >= min && value <= max ? null : BadRequest($"Invalid {name}", $"{name} is {min}..{max}.");

    /// <summary>The first problem of a list of checks, or null when all pass.</summary>
    public static ProblemHttpResult? First(params ProblemHttpResult?[] checks) => checks.FirstOrDefault(c => c is not null);

    public static async Task<(SnapshotRef? Snapshot, ProblemHttpResult? Problem)> SnapshotAsync(SnapshotQuery snapshots, Guid? requested,
        CancellationToken ct) =>
        await snapshots.ResolveAsync(requested, ct) is { } snapshot ? (snapshot, null) : (null, NoSnapshot(requested));
}
