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
            bus.AddConsumer<ModelsObservedConsumer>();
            bus.AddConsumer<SnapshotCompletedConsumer>();
            bus.AddConsumer<ReposRemovedConsumer>();
        });
        builder.Services.AddScoped<EdgeStore>();
        builder.Services.AddScoped<FamilyQueries>();
        builder.Services.AddScoped<FamilyRollup>();
        builder.Services.AddScoped<FamilyStatistics>();
        builder.Services.AddScoped<SnapshotIngestion>();
    }
}
