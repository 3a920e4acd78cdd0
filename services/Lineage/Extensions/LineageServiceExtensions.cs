using HubPlatform.Lineage.Graph;
using HubPlatform.Lineage.Infrastructure;
using HubPlatform.Lineage.IntegrationEvents;

namespace HubPlatform.Lineage.Extensions;

public static class LineageServiceExtensions
{
    public static void AddLineageServices(this WebApplicationBuilder builder)
    {
        builder.AddServiceDatabase<WebApplicationBuilder, LineageDbContext>(LineageDbContext.Schema);
        builder.AddHubCache("lineage");
        var pages = builder.PageConcurrency();
        builder.AddHubMessaging("lineage", bus =>
        {
            // Pages run concurrently again: they deadlocked (bench, 300k models: 7 of 294 pages
            // exhausted their retries) when one page's new nodes were inserted in two statements
            // in two orders, and queued on the snapshot's row. EdgeStore now inserts new nodes in
            // one statement in key order and reads the snapshot's date without a lock.
            bus.AddConsumer<ModelsObservedConsumer>().Endpoint(e => e.ConcurrentMessageLimit = pages);
            bus.AddConsumer<SnapshotCompletedConsumer>();
            bus.AddConsumer<ReposRemovedConsumer>();
        });
        builder.Services.AddScoped<EdgeStore>();
        builder.Services.AddScoped<FamilyQueries>();
        builder.Services.AddScoped<FamilyCounts>();
        builder.Services.AddScoped<FamilyRollup>();
        builder.Services.AddScoped<FamilyStatistics>();
        builder.Services.AddScoped<SnapshotIngestion>();
    }
}
