using HubPlatform.Contracts;
using HubPlatform.Metrics.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Metrics.Apis;

/// <summary>A snapshot as metrics sees it: what the crawler published and how much of it is ingested.</summary>
public sealed record SnapshotSummary(Guid Id, string Kind, DateTimeOffset StartedAt, DateTimeOffset? CompletedAt, long Models, long Datasets,
    long Spaces, int FailedPages, int? ExpectedPages, int IngestedPages, long IngestedModels, long IngestedDatasets, long IngestedSpaces);

public static class SnapshotsApi
{
    public static IEndpointRouteBuilder MapSnapshotsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/snapshots").WithTags("Snapshots");
        api.MapGet("/", ListSnapshots).WithName("ListSnapshots")
            .WithSummary("The snapshots metrics knows, newest first (100 at most); kind=Full or Incremental keeps one kind (the hourly incremental " +
                         "crawls would otherwise crowd out the weekly full ones)");
        api.MapGet("/{snapshotId:guid}", GetSnapshot).WithName("GetSnapshot").WithSummary("One snapshot and how much of it is ingested");
        return app;
    }

    private static readonly string[] Kinds = Enum.GetNames<CrawlKind>();

    private static async Task<Results<Ok<List<SnapshotSummary>>, ProblemHttpResult>> ListSnapshots(
        MetricsDbContext db, CancellationToken ct, string? kind = null)
    {
        if (Problems.OneOf("kind", kind, Kinds) is { } problem) return problem;
        var snapshots = kind is null ? db.Snapshots : db.Snapshots.Where(s => s.Kind == kind);
        return TypedResults.Ok(await Summaries(db, snapshots.OrderByDescending(s => s.StartedAt).Take(100)).ToListAsync(ct));
    }

    private static async Task<Results<Ok<SnapshotSummary>, ProblemHttpResult>> GetSnapshot(
        Guid snapshotId, MetricsDbContext db, CancellationToken ct) =>
        await Summaries(db, db.Snapshots.Where(s => s.Id == snapshotId)).FirstOrDefaultAsync(ct) is { } summary
            ? TypedResults.Ok(summary)
            : TypedResults.Problem(title: "Snapshot not found", statusCode: 404, detail: $"Metrics has no snapshot {snapshotId}.");

    private static IQueryable<SnapshotSummary> Summaries(MetricsDbContext db, IQueryable<Snapshot> snapshots) =>
        snapshots.AsNoTracking()
            .Select(s => new SnapshotSummary(s.Id, s.Kind, s.StartedAt, s.CompletedAt, s.Models, s.Datasets, s.Spaces, s.FailedPages, s.ExpectedPages,
                db.SnapshotPages.Count(p => p.SnapshotId == s.Id),
                db.ModelFacts.LongCount(f => f.SnapshotId == s.Id), db.DatasetFacts.LongCount(f => f.SnapshotId == s.Id),
                db.SpaceFacts.LongCount(f => f.SnapshotId == s.Id)));
}
