namespace HubPlatform.Search.Pipeline;

/// <summary>The embedding pipeline's log messages, generated at build time.</summary>
internal static partial class Log
{
    [LoggerMessage(LogLevel.Warning, "Vector index {Path} has no matching state file; rebuilding it from the stored vectors.")]
    public static partial void IndexStateMismatch(this ILogger logger, string path);

    [LoggerMessage(LogLevel.Information, "Vector index {Path} loaded: {Vectors} vectors up to version {Watermark}")]
    public static partial void IndexLoaded(this ILogger logger, string path, long vectors, long watermark);

    [LoggerMessage(LogLevel.Warning, "Vector index {Path} could not be loaded; starting empty.")]
    public static partial void IndexUnreadable(this ILogger logger, Exception exception, string path);

    [LoggerMessage(LogLevel.Warning, "Embedding pipeline step failed; retrying")]
    public static partial void StepFailed(this ILogger logger, Exception exception);

    [LoggerMessage(LogLevel.Information, "Embedded {Texts} texts; {Backlog} waiting")]
    public static partial void Embedded(this ILogger logger, int texts, long backlog);

    [LoggerMessage(LogLevel.Information, "Index compared with the database ({Scope}): {Vectors} vectors repaired")]
    public static partial void IndexRepaired(this ILogger logger, string scope, int vectors);

    [LoggerMessage(LogLevel.Information, "{Documents} documents got the card text they missed")]
    public static partial void CardTextCaughtUp(this ILogger logger, int documents);

    [LoggerMessage(LogLevel.Information, "Vector index saved to {Path}: {Vectors} vectors up to version {Watermark}")]
    public static partial void IndexSaved(this ILogger logger, string path, long vectors, long watermark);

    [LoggerMessage(LogLevel.Information, "Embedding backlog inference runs at nice {Nice} on {Threads} threads (own ONNX session: {OwnSession})")]
    public static partial void BacklogPriority(this ILogger logger, int nice, int threads, bool ownSession);

    [LoggerMessage(LogLevel.Warning,
        "The embedding backlog's threads could not lower their priority to nice {Nice} (errno {Errno}); they run at normal priority")]
    public static partial void BacklogPriorityRefused(this ILogger logger, int nice, int errno);
}
