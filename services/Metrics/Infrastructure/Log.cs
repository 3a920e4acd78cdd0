namespace HubPlatform.Metrics.Infrastructure;

/// <summary>The store's log messages (backfill, retention), generated at build time.</summary>
internal static partial class Log
{
    [LoggerMessage(LogLevel.Error, "Listing the snapshots whose aggregates are behind failed; their queries read the facts until the next start")]
    public static partial void ListingBehindAggregatesFailed(this ILogger logger, Exception exception);

    [LoggerMessage(LogLevel.Information, "Brought the aggregates of snapshot {SnapshotId} to version {Version} in {Seconds:F1}s")]
    public static partial void BackfilledAggregates(this ILogger logger, Guid snapshotId, int version, double seconds);

    [LoggerMessage(LogLevel.Error,
        "Building the missing aggregates of snapshot {SnapshotId} failed; its queries read the facts until the next start")]
    public static partial void BackfillFailed(this ILogger logger, Exception exception, Guid snapshotId);

    [LoggerMessage(LogLevel.Information, "Retention dropped snapshot {SnapshotId}")]
    public static partial void RetentionDropped(this ILogger logger, Guid snapshotId);
}
