namespace HubPlatform.Gateway.Extensions;

public static class GatewayServiceExtensions
{
    /// <summary>YARP routes from configuration ("ReverseProxy"), destinations resolved by service discovery.</summary>
    public static void AddGatewayServices(this WebApplicationBuilder builder)
    {
        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddServiceDiscoveryDestinationResolver();
        builder.Services.Configure<AdminApiKeyOptions>(builder.Configuration.GetSection(AdminApiKeyOptions.Section));
    }
}
