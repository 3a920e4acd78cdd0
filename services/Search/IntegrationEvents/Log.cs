using HubPlatform.Contracts;

namespace HubPlatform.Search.IntegrationEvents;

/// <summary>The consumers' log messages, generated at build time: no template parsing or boxing when a level is off.</summary>
internal static partial class Log
{
    [LoggerMessage(LogLevel.Debug, "Cards of {RepoType} are not searched; page {Page} skipped")]
    public static partial void CardsNotSearched(this ILogger logger, RepoType repoType, int page);

    [LoggerMessage(LogLevel.Information, "Removed {Removed} of {Ids} {RepoType} documents gone from the Hub")]
    public static partial void RemovedDocuments(this ILogger logger, int removed, int ids, string repoType);
}
