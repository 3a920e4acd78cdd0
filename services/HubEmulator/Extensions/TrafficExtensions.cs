using HubPlatform.HubEmulator.Traffic;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HubPlatform.HubEmulator.Extensions;

public static class TrafficExtensions
{
    /// <summary>Rate limits (<c>Emulator:RateLimit</c>) and injected faults (<c>Emulator:Faults</c>).</summary>
    public static WebApplicationBuilder AddHubTraffic(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.Configure<RateLimitOptions>(builder.Configuration.GetSection(RateLimitOptions.Section));
        builder.Services.AddSingleton(_ => new FaultSwitch(builder.Configuration.GetSection(FaultOptions.Section).Get<FaultOptions>()
            ?? new FaultOptions()));
        return builder;
    }

    /// <summary>Faults first: a dropped connection or a 5xx happens before the Hub counts the request.</summary>
    public static WebApplication UseHubTraffic(this WebApplication app)
    {
        app.UseMiddleware<FaultInjection>();
        app.UseMiddleware<FixedWindowRateLimit>();
        return app;
    }
}
