using HubPlatform.Metrics.Infrastructure;
using HubPlatform.Metrics.IntegrationEvents;
using HubPlatform.Metrics.ModelVerse;

namespace HubPlatform.Metrics.Extensions;

public static class MetricsServiceExtensions
{
    public static void AddMetricsServices(this WebApplicationBuilder builder)
    {
        builder.AddServiceDatabase<WebApplicationBuilder, MetricsDbContext>(MetricsDbContext.Schema);
        builder.AddHubCache("metrics");
        builder.AddHubMessaging("metrics", bus =>
        {
            bus.AddConsumer<SnapshotStartedConsumer>();
            bus.AddConsumer<ModelsObservedConsumer>();
            bus.AddConsumer<ReposRemovedConsumer>();
            bus.AddConsumer<SnapshotCompletedConsumer>();
        });
        builder.Services.AddScoped<ModelFactStore>();
        builder.Services.AddScoped<ModelVerseQuery>();
    }
}
