using HubPlatform.Gateway.Compression;

namespace HubPlatform.Gateway.Caching;

/// <summary>
/// Per-route output cache policies (named in the YARP routes) and the tags that the platform's
/// events evict: a service's answers are cached until it says its data changed.
/// </summary>
public static class CachePolicies
{
    public const string Metrics = "metrics";
    public const string Lineage = "lineage";
    public const string Search = "search";

    public static IServiceCollection AddGatewayOutputCache(this IServiceCollection services)
    {
        // Each replica's memory in front of Redis (TwoLevelOutputCacheStore); the event consumers evict both.
        services.AddOptions<ReplicaCacheOptions>().BindConfiguration(ReplicaCacheOptions.Section);
        services.AddSingleton<RedisOutputCacheStore>();
        services.AddSingleton<TwoLevelOutputCacheStore>();
        services.AddSingleton<Microsoft.AspNetCore.OutputCaching.IOutputCacheStore>(sp => sp.GetRequiredService<TwoLevelOutputCacheStore>());
        services.AddOutputCache(options =>
        {
            // Every cached answer is keyed by the content coding it is stored in (the compression runs inside the cache).
            options.AddBasePolicy(new ContentCodingCachePolicy());
            // Event-evicted data may live long; the lifetimes bound staleness if an event is missed.
            options.AddPolicy(Metrics, policy => policy.Expire(TimeSpan.FromMinutes(30)).Tag(Metrics));
            options.AddPolicy(Lineage, policy => policy.Expire(TimeSpan.FromMinutes(30)).Tag(Lineage));
            options.AddPolicy(Search, policy => policy.Expire(TimeSpan.FromMinutes(5)).Tag(Search));
        });
        return services;
    }
}
