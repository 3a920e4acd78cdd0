namespace HubPlatform.Lineage.Graph;

/// <summary>The family rollup's log messages, generated at build time: no template parsing or boxing when a level is off.</summary>
internal static partial class Log
{
    [LoggerMessage(LogLevel.Information, "Family rollup retention: family sizes of {Snapshots} older snapshots dropped")]
    public static partial void FamilySizesPruned(this ILogger logger, int snapshots);

    [LoggerMessage(LogLevel.Warning, "Snapshot {SnapshotId}: {Models} models are their own ancestors (cycles of declared lineage)")]
    public static partial void CyclesFound(this ILogger logger, Guid snapshotId, int models);

    [LoggerMessage(LogLevel.Information, "Family rollup of snapshot {SnapshotId}: {Families} families, {Levels} depth levels in {Seconds:F1}s")]
    public static partial void RolledUp(this ILogger logger, Guid snapshotId, int families, int levels, double seconds);
}
