using HubPlatform.Contracts;
using HubPlatform.Search.Infrastructure;
using MassTransit;

namespace HubPlatform.Search.IntegrationEvents;

/// <summary>Repos gone from the Hub leave search: their documents, cards and chunks (and so their vectors' keys).</summary>
public sealed class ReposRemovedConsumer(DocumentStore documents, ResponseCache cache, ILogger<ReposRemovedConsumer> logger) : IConsumer<ReposRemoved>
{
    public async Task Consume(ConsumeContext<ReposRemoved> context)
    {
        var message = context.Message;
        if (message.Ids is null || message.Ids.Any(string.IsNullOrEmpty))
        {
            throw new FormatException($"ReposRemoved of snapshot {message.SnapshotId} has an empty id.");
        }
        if (!SearchRepoTypes.IsSearched(message.RepoType) || message.Ids.Count == 0)
        {
            return;
        }
        var removed = await documents.RemoveAsync(message.RepoType, message.Ids, context.CancellationToken);
        logger.RemovedDocuments(removed, message.Ids.Count, message.RepoType.Name());
        await cache.InvalidateAllAsync();
    }
}
