using HubPlatform.Contracts;
using HubPlatform.Search.Infrastructure;
using MassTransit;

namespace HubPlatform.Search.IntegrationEvents;

/// <summary>Stores a batch of cards (prose and chunks); the embedding worker picks the new chunks up.</summary>
public sealed class CardsFetchedConsumer(CardStore cards, ResponseCache cache, ILogger<CardsFetchedConsumer> logger) : IConsumer<CardsFetched>
{
    public async Task Consume(ConsumeContext<CardsFetched> context)
    {
        var page = context.Message;
        if (page.Cards is null || page.Cards.Any(c => string.IsNullOrEmpty(c?.Id)))
        {
            throw new FormatException($"CardsFetched page {page.Page} of snapshot {page.SnapshotId} has a card without an id.");
        }
        if (!SearchRepoTypes.IsSearched(page.RepoType))
        {
            logger.CardsNotSearched(page.RepoType, page.Page);
            return;
        }
        await cards.UpsertAsync(page, context.CancellationToken);
        await cache.InvalidateAllAsync();
    }
}
