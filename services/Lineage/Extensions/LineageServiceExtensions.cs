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
        builder.AddHubMessaging("lineage", bus =>
        {
            // One page at a time per replica: pages of one family touch the same parent rows, and
            // concurrent pages deadlocked on them under load (bench, 300k models: 7 of 294 pages
            // exhausted their retries). Replicas still run in parallel; their rare deadlocks retry.
            bus.AddConsumer<ModelsObservedConsumer>().Endpoint(e => e.ConcurrentMessageLimit = 1);
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
