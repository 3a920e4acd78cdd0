using HubPlatform.Contracts;
using HubPlatform.Lineage.Infrastructure;
using MassTransit;

namespace HubPlatform.Lineage.IntegrationEvents;

public sealed class ModelsObservedConsumer(EdgeStore edges) : IConsumer<ModelsObserved>
{
    public async Task Consume(ConsumeContext<ModelsObserved> context)
    {
        var page = context.Message;
        if (page.Models is null || page.Models.Any(m => string.IsNullOrEmpty(m?.Id)))
        {
            throw new FormatException($"ModelsObserved page {page.Page} of snapshot {page.SnapshotId} has a model without an id.");
        }
        await edges.ApplyAsync(page, context.CancellationToken);
    }
}
