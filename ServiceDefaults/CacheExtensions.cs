using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

/// <summary>Redis for caching API answers. The service keeps answering (uncached) while Redis is down.</summary>
public static class CacheExtensions
{
    public const string ConnectionName = "cache";

    public static TBuilder AddHubCache<TBuilder>(this TBuilder builder, string serviceName) where TBuilder : IHostApplicationBuilder
    {
        var connectionString = builder.Configuration.GetConnectionString(ConnectionName)
            ?? throw new InvalidOperationException($"ConnectionStrings:{ConnectionName} is not set (host:port of Redis).");
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 2_000;
        options.SyncTimeout = 1_000;
        options.AsyncTimeout = 1_000;
        builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(options));
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton(services => new ResponseCache(
            services.GetRequiredService<IConnectionMultiplexer>(),
            serviceName,
            services.GetRequiredService<Microsoft.AspNetCore.Http.IHttpContextAccessor>(),
            services.GetRequiredService<ILoggerFactory>().CreateLogger<ResponseCache>()));
        return builder;
    }
}
