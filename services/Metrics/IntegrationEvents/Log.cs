namespace HubPlatform.Metrics.IntegrationEvents;

/// <summary>The ingestion's log messages, generated at build time: no template parsing or boxing when a level is off.</summary>
internal static partial class Log
{
    [LoggerMessage(LogLevel.Debug, "Stored page {Page} of snapshot {SnapshotId}: {Models} models")]
    public static partial void StoredModelsPage(this ILogger logger, int page, Guid snapshotId, int models);

    [LoggerMessage(LogLevel.Debug, "Stored page {Page} of snapshot {SnapshotId}: {Datasets} datasets")]
    public static partial void StoredDatasetsPage(this ILogger logger, int page, Guid snapshotId, int datasets);

    [LoggerMessage(LogLevel.Debug, "Stored page {Page} of snapshot {SnapshotId}: {Spaces} spaces")]
    public static partial void StoredSpacesPage(this ILogger logger, int page, Guid snapshotId, int spaces);

    [LoggerMessage(LogLevel.Debug, "Stored page {Page} of snapshot {SnapshotId}: {Authors} author overviews")]
    public static partial void StoredAuthorsPage(this ILogger logger, int page, Guid snapshotId, int authors);

    [LoggerMessage(LogLevel.Information, "Built the aggregates of snapshot {SnapshotId} in {Seconds:F1}s")]
    public static partial void BuiltAggregates(this ILogger logger, Guid snapshotId, double seconds);
}
