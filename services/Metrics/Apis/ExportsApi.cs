using HubPlatform.Metrics.Exports;
using HubPlatform.Metrics.Queries;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HubPlatform.Metrics.Apis;

/// <summary>Whole snapshots as files, streamed from the database (never cached: they are large and read once).</summary>
public static class ExportsApi
{
    public static IEndpointRouteBuilder MapExportsApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/exports").WithTags("Exports").MapGet("/{snapshotId}/{file}", Export).WithName("ExportSnapshot")
            .WithSummary("A snapshot's models, datasets or spaces as models.parquet, models.csv, datasets.csv, ... (snapshotId may be \"latest\"), " +
                         "streamed");
        return app;
    }

    private static async Task<Results<PushStreamHttpResult, ProblemHttpResult>> Export(
        string snapshotId, string file, SnapshotExporter exporter, SnapshotQuery snapshots, CancellationToken ct)
    {
        var dot = file.LastIndexOf('.');
        var (kind, format) = dot > 0 ? (file[..dot], file[(dot + 1)..]) : (file, "");
        Guid? requested = snapshotId == "latest" ? null : Guid.TryParse(snapshotId, out var id) ? id : Guid.Empty;
        if (Problems.First(
                requested == Guid.Empty ? Problems.BadRequest("Invalid snapshotId", "snapshotId is a snapshot id or \"latest\".") : null,
                Problems.OneOf("kind", kind, ExportColumns.Kinds.Keys),
                Problems.OneOf("format", format, SnapshotExporter.Formats)) is { } problem) return problem;
        var (s, missing) = await Problems.SnapshotAsync(snapshots, requested, ct);
        if (missing is not null) return missing;
        var contentType = format == "csv" ? "text/csv; charset=utf-8" : "application/vnd.apache.parquet";
        return TypedResults.Stream(body => exporter.WriteAsync(s!.Id, kind, format, body, ct), contentType, $"{s!.Id}-{kind}.{format}");
    }
}
