using System.Globalization;
using HubPlatform.Gateway.Admin;
using HubPlatform.Gateway.Caching;
using HubPlatform.Gateway.Compression;
using HubPlatform.Gateway.IntegrationEvents;
using HubPlatform.Gateway.OpenApi;
using HubPlatform.Gateway.RateLimiting;

namespace HubPlatform.Gateway.Extensions;

public static class GatewayServiceExtensions
{
    public static void AddGatewayServices(this WebApplicationBuilder builder)
    {
        // YARP routes from configuration ("ReverseProxy"), destinations resolved by service discovery.
        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddTransforms(PublicApi.AddVersionTransform)
            .AddTransforms(GatewayCompression.AskServicesForIdentity)
            .AddServiceDiscoveryDestinationResolver();

        builder.AddHubCache("gateway");
        builder.Services.AddGatewayOutputCache();
        builder.Services.AddGatewayCompression();
        builder.AddHubMessaging("gateway", bus =>
        {
            bus.AddConsumer<SnapshotIngestedConsumer>();
            bus.AddConsumer<LineageUpdatedConsumer>();
            // A queue of this replica's own, deleted when it stops: every replica hears every eviction (its memory level).
            var replica = Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture)[..12];
            bus.AddConsumer<ReplicaCacheEvictionConsumer>().Endpoint(endpoint =>
            {
                endpoint.Temporary = true;
                endpoint.InstanceId = replica;
            });
        });

        builder.Services.Configure<AdminApiKeyOptions>(builder.Configuration.GetSection(AdminApiKeyOptions.Section));
        builder.Services.Configure<ClientRateLimitOptions>(builder.Configuration.GetSection(ClientRateLimitOptions.Section));
        builder.Services.AddSingleton<RateBudgets>();
        builder.AddTrustedProxies();
        builder.Services.AddSingleton<PublicApiDocument>();
        builder.Services.AddSingleton<DeadLetterQueues>();
        builder.Services.AddHttpClient("openapi");
        builder.Services.AddCors(cors => cors.AddDefaultPolicy(policy => policy
            .WithOrigins(builder.Configuration.GetSection("Gateway:Cors:Origins").Get<string[]>() ?? [])
            .WithMethods("GET", "HEAD", "OPTIONS")
            .WithHeaders("Content-Type", "X-Api-Key")));
        // Public requests carry queries, not uploads: a small body limit keeps abuse cheap.
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = 64 * 1024;
            kestrel.Limits.MaxRequestLineSize = 8 * 1024;
        });
    }
}
