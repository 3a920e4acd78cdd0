namespace HubPlatform.Crawler.Crawling;

/// <summary>
/// The outbox's log lines (the relay, the admin's replays), generated at build time. The templates
/// and their property names are what dashboards and tests read; keep them as they are.
/// </summary>
internal static partial class OutboxLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Relaying the outbox failed; events stay queued and are retried")]
    public static partial void RelayFailed(this ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Outbox row {Id} ({Type}, message {MessageId}) could not be published (try {Attempts} of {Max}); the rows behind it go on")]
    public static partial void RowNotPublished(this ILogger logger, Exception exception, long id, string type, Guid messageId, int attempts, int max);

    [LoggerMessage(Level = LogLevel.Error,
        Message = "Outbox row {Id} ({Type}, message {MessageId}) failed {Attempts} times and is moved aside: "
            + "GET /api/admin/outbox/failed lists it, POST .../{Id}/replay sends it again")]
    public static partial void RowMovedAside(this ILogger logger, Exception exception, long id, string type, Guid messageId, int attempts);

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox row {Id} replayed by an admin")]
    public static partial void RowReplayed(this ILogger logger, long id);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Replayed} moved-aside outbox rows replayed by an admin")]
    public static partial void RowsReplayed(this ILogger logger, int replayed);
}
