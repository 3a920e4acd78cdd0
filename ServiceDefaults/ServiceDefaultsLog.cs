using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The shared wiring's log lines (migrations, redelivery, the response cache), generated at build
/// time: no template parsing and no boxing per line. The templates and their property names are
/// what dashboards and tests read; keep them as they are.
/// </summary>
internal static partial class ServiceDefaultsLog
{
    // ---- Migrations ----

    [LoggerMessage(Level = LogLevel.Information, Message = "Schema {Schema} is up to date")]
    public static partial void SchemaUpToDate(this ILogger logger, string schema);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Migrating schema {Schema} failed (attempt {Attempt}); retrying")]
    public static partial void MigrationFailed(this ILogger logger, Exception exception, string schema, int attempt);

    // ---- Redelivery ----

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "{Queue}: message {MessageId} failed its retries ({Reason}); redelivered in {Delay} (round {Round} of {Rounds})")]
    public static partial void Redelivered(this ILogger logger, Exception exception, string queue, Guid? messageId, string reason, TimeSpan delay,
        int round, int rounds);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Queue}: message {MessageId} still failed after {Rounds} redeliveries; dead-lettered")]
    public static partial void RedeliveriesSpent(this ILogger logger, Exception exception, string queue, Guid? messageId, int rounds);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Queue}: message {MessageId} could not be moved to a wait queue; dead-lettered")]
    public static partial void RedeliveryFailed(this ILogger logger, Exception exception, string queue, Guid? messageId);

    // ---- Response cache ----

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis unavailable; answering {Key} uncached")]
    public static partial void AnsweredUncached(this ILogger logger, Exception exception, string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis unavailable; {Key} not cached")]
    public static partial void NotCached(this ILogger logger, Exception exception, string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis unavailable; cache of {Service} not invalidated (entries expire by themselves)")]
    public static partial void NotInvalidated(this ILogger logger, Exception exception, string service);
}
