namespace HubPlatform.Metrics.Exports;

/// <summary>The exports' log messages, generated at build time.</summary>
internal static partial class Log
{
    [LoggerMessage(LogLevel.Information, "Exported {Rows} {Kind} of snapshot {SnapshotId} as {Format}")]
    public static partial void Exported(this ILogger logger, long rows, string kind, Guid snapshotId, string format);
}
