using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace HubPlatform.Gateway.RateLimiting;

/// <summary>
/// Behind a reverse proxy every request arrives from the proxy's address, so every client would spend one
/// rate budget. <c>Gateway:TrustedProxies</c> names the proxies (addresses or CIDR networks, a list or one
/// comma-separated value) whose X-Forwarded-For the gateway believes: the client is the rightmost address
/// of the header not itself a trusted proxy. With none set (the default) the header is ignored, since any
/// client could write it and name a fresh address, and a fresh budget, per request.
/// </summary>
public static class TrustedProxies
{
    public const string Setting = "Gateway:TrustedProxies";

    public static void AddTrustedProxies(this WebApplicationBuilder builder)
    {
        var entries = Entries(builder.Configuration);
        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor;
            // The defaults trust loopback; only what the setting names is trusted here.
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            // Through a chain of trusted proxies: each hop is unwrapped while the one that sent it is trusted.
            options.ForwardLimit = null;
            foreach (var entry in entries)
            {
                if (IPAddress.TryParse(entry, out var address) && !entry.Contains('/'))
                {
                    options.KnownProxies.Add(address);
                }
                else if (System.Net.IPNetwork.TryParse(entry, out var network))
                {
                    options.KnownIPNetworks.Add(network);
                }
                else
                {
                    throw new InvalidOperationException($"{Setting}: '{entry}' is neither an IP address nor a CIDR network (10.0.0.0/8).");
                }
            }
        });
    }

    public static WebApplication UseTrustedProxies(this WebApplication app)
    {
        if (Entries(app.Configuration).Length > 0)
        {
            app.UseForwardedHeaders();
        }
        return app;
    }

    private static string[] Entries(IConfiguration configuration)
    {
        var section = configuration.GetSection(Setting);
        var entries = section.Get<string[]>() is { Length: > 0 } list ? list : (section.Value ?? "").Split(',');
        return entries.Select(e => e.Trim()).Where(e => e.Length > 0).ToArray();
    }
}
