namespace HubPlatform.Crawler.Hub;

/// <summary>
/// The Hub client's log lines (rate limits, retries, renames), generated at build time. The
/// templates and their property names are what dashboards and tests read; keep them as they are.
/// </summary>
internal static partial class HubLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Hub rate limit reached; waiting {Seconds:F1}s as Retry-After asks")]
    public static partial void RateLimited(this ILogger logger, double seconds);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Hub asked to wait {Asked:F0}s before retrying; waiting {Max:F0}s, the most the crawler waits at once")]
    public static partial void RetryAfterCapped(this ILogger logger, double asked, double max);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Hub request {Path} failed ({Failure}); try {Attempt} of {Max} in {Backoff:F1}s")]
    public static partial void RequestFailed(this ILogger logger, string path, string? failure, int attempt, int max, double backoff);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {Id} was renamed; following to {Path}")]
    public static partial void ModelRenamed(this ILogger logger, string id, string path);
}
