namespace HubPlatform.Lineage.Infrastructure;

/// <summary>The edge store's log messages, generated at build time.</summary>
internal static partial class Log
{
    [LoggerMessage(LogLevel.Warning,
        "Snapshot {SnapshotId} page {Page}: {Count} models name themselves as base model ({Models}); not stored as edges")]
    public static partial void SelfReferencesSkipped(this ILogger logger, Guid snapshotId, int page, int count, string models);

    [LoggerMessage(LogLevel.Information,
        "Snapshot {SnapshotId} page {Page}: {Stale} models already observed by a later snapshot; their edges kept")]
    public static partial void StaleModelsKept(this ILogger logger, Guid snapshotId, int page, int stale);

    [LoggerMessage(LogLevel.Information, "Snapshot {SnapshotId}: {Removed} of {Named} removed models left the graph, {Edges} edges closed")]
    public static partial void RemovedModelsLeft(this ILogger logger, Guid snapshotId, int removed, int named, int edges);
}
