using HubPlatform.Search.Infrastructure;
using HubPlatform.Search.IntegrationEvents;

namespace HubPlatform.Search.Extensions;

public static class SearchServiceExtensions
{
    public static void AddSearchServices(this WebApplicationBuilder builder)
    {
        builder.AddServiceDatabase<WebApplicationBuilder, SearchDbContext>(SearchDbContext.Schema);
        builder.AddHubCache("search");
        builder.AddHubMessaging("search", bus =>
        {
            bus.AddConsumer<ModelsObservedConsumer>();
            bus.AddConsumer<SnapshotCompletedConsumer>();
        });
        builder.Services.AddScoped<DocumentStore>();
    }
}
