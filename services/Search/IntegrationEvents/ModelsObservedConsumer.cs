using HubPlatform.Contracts;
using HubPlatform.Search.Infrastructure;
using MassTransit;

namespace HubPlatform.Search.IntegrationEvents;

public sealed class ModelsObservedConsumer(DocumentStore documents) : IConsumer<ModelsObserved>
{
    public async Task Consume(ConsumeContext<ModelsObserved> context)
    {
        var page = context.Message;
        if (page.Models is null || page.Models.Any(m => string.IsNullOrEmpty(m?.Id)))
        {
            throw new FormatException($"ModelsObserved page {page.Page} of snapshot {page.SnapshotId} has a model without an id.");
        }
        await documents.UpsertAsync(page, context.CancellationToken);
    }
}
