using System.Text.Json.Serialization;
using HubPlatform.Crawler.Crawling;
using HubPlatform.Crawler.Hub;
using HubPlatform.Crawler.Infrastructure;

namespace HubPlatform.Crawler.Extensions;

public static class CrawlerServiceExtensions
{
    public static void AddCrawlerServices(this WebApplicationBuilder builder)
    {
        builder.AddServiceDatabase<WebApplicationBuilder, CrawlerDbContext>(CrawlerDbContext.Schema);
        builder.AddHubMessaging("crawler");

        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        builder.Services.Configure<CrawlerOptions>(builder.Configuration.GetSection(CrawlerOptions.Section));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(new HubOptions
        {
            Endpoint = new Uri(builder.Configuration["HF_ENDPOINT"] ?? HubOptions.DefaultEndpoint),
            Token = builder.Configuration["HF_TOKEN"],
            MaxAttemptsPerPage = builder.Configuration.GetValue($"{CrawlerOptions.Section}:MaxAttemptsPerPage", 6),
            MaxRetryAfter = TimeSpan.FromSeconds(builder.Configuration.GetValue($"{CrawlerOptions.Section}:MaxRetryAfterSeconds", 300)),
        });
        builder.Services.AddSingleton(services => new RateLimitPacer(services.GetRequiredService<TimeProvider>())
        {
            MaxDefer = services.GetRequiredService<HubOptions>().MaxRetryAfter,
        });
        builder.Services.AddSingleton<CrawlEta>();
        builder.Services.AddHttpClient<HubClient>(http =>
            {
                http.Timeout = TimeSpan.FromSeconds(60);
                http.DefaultRequestHeaders.UserAgent.ParseAdd("HubPlatform-Crawler/1.0");
                // HF_TOKEN is added per request by HubClient, to the configured Hub host only.
            })
            // Renames are followed by the client itself, so it knows the canonical id.
            .ConfigurePrimaryHttpMessageHandler(() =>
                new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            // The Hub client has its own retry rules (429 pacing, bounded tries, dead-lettering).
            .RemoveAllResilienceHandlers();

        builder.Services.AddSingleton<CardCoverageReader>();
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddSingleton<RecentEvents>();
        builder.Services.AddScoped<CrawlRunner>();
        builder.Services.AddScoped<CrawlRetention>();
        builder.Services.AddHostedService<OutboxRelay>();
        builder.Services.AddHostedService<CrawlCoordinator>();
        // The card backlog runs beside the crawls, paced by the Hub's resolvers bucket alone.
        builder.Services.AddHostedService<CardFetcher>();
    }
}
