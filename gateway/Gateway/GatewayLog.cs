namespace HubPlatform.Gateway;

/// <summary>
/// The gateway's log lines (output cache, rate limits, the merged OpenAPI document, dead-letter
/// replays), generated at build time. The templates and their property names are what dashboards
/// and tests read; keep them as they are.
/// </summary>
internal static partial class GatewayLog
{
    // ---- Output cache ----

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis unavailable: output cache miss")]
    public static partial void OutputCacheMiss(this ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis unavailable: response not cached")]
    public static partial void ResponseNotCached(this ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Output cache: evicted {Entries} entries tagged {Tag}")]
    public static partial void Evicted(this ILogger logger, int entries, string tag);

    // ---- Rate limits ----

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis answers again: rate limits are counted in Redis, shared by every gateway replica")]
    public static partial void RateLimitsInRedis(this ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Redis unreachable: rate limits are counted in this gateway replica's memory until it answers")]
    public static partial void RateLimitsInMemory(this ILogger logger, Exception exception);

    // ---- OpenAPI and admin ----

    [LoggerMessage(Level = LogLevel.Warning, Message = "OpenAPI document of {Service} unavailable")]
    public static partial void OpenApiDocumentUnavailable(this ILogger logger, Exception exception, string service);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Replayed {Replayed} dead-lettered messages from {ErrorQueue} to {Queue}; {Remaining} left")]
    public static partial void DeadLettersReplayed(this ILogger logger, int replayed, string errorQueue, string queue, uint remaining);
}
