using HubPlatform.Metrics.Infrastructure;
using HubPlatform.Metrics.IntegrationEvents;
using HubPlatform.Metrics.ModelVerse;
using HubPlatform.Metrics.Queries;
using HubPlatform.Metrics.Exports;

namespace HubPlatform.Metrics.Extensions;

public static class MetricsServiceExtensions
{
    public static void AddMetricsServices(this WebApplicationBuilder builder)
    {
        builder.AddServiceDatabase<WebApplicationBuilder, MetricsDbContext>(MetricsDbContext.Schema);
        builder.AddHubCache("metrics");
        var pages = builder.PageConcurrency();
        builder.AddHubMessaging("metrics", bus =>
        {
            bus.AddConsumer<SnapshotStartedConsumer>();
            bus.AddConsumer<ModelsObservedConsumer>().Endpoint(e => e.ConcurrentMessageLimit = pages);
            bus.AddConsumer<DatasetsObservedConsumer>().Endpoint(e => e.ConcurrentMessageLimit = pages);
            bus.AddConsumer<SpacesObservedConsumer>().Endpoint(e => e.ConcurrentMessageLimit = pages);
            bus.AddConsumer<OrganizationsObservedConsumer>();
            bus.AddConsumer<ReposRemovedConsumer>();
            bus.AddConsumer<SnapshotCompletedConsumer>();
        });
        builder.Services.AddScoped<ModelFactStore>();
        builder.Services.AddScoped<DatasetFactStore>();
        builder.Services.AddScoped<SpaceFactStore>();
        builder.Services.AddScoped<OrganizationStore>();
        builder.Services.AddScoped<SnapshotIngestion>();
        builder.Services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section);
        builder.Services.AddScoped<SnapshotRetention>();
        // After the migrator (hosted services start in order): snapshots built by an older aggregate version get what they lack.
        builder.Services.AddHostedService<AggregateBackfill>();
        builder.Services.AddScoped<SnapshotQuery>();
        builder.Services.AddSingleton<LatestSnapshot>();
        builder.Services.AddScoped<DataVerseQuery>();
        builder.Services.AddScoped<HeatMapQuery>();
        builder.Services.AddScoped<OrganizationsQuery>();
        builder.Services.AddScoped<SummaryQuery>();
        builder.Services.AddScoped<TrendsQuery>();
        builder.Services.AddScoped<LifecyclesQuery>();
        builder.Services.AddScoped<SnapshotExporter>();
        builder.Services.AddScoped<ModelVerseQuery>();
    }
}
