using System.Diagnostics.Metrics;
using HubPlatform.Contracts;
using HubPlatform.Crawler.Infrastructure;

namespace HubPlatform.Crawler.Crawling;

/// <summary>
/// The crawler's OpenTelemetry instruments, on the platform's one meter (exported by the service
/// defaults): what a dashboard needs to see a crawl move, wait for the quota, or lose pages.
/// </summary>
public static class CrawlerMetrics
{
    public static readonly Counter<long> Pages = HubTelemetry.Meter.CreateCounter<long>(
        "hub.crawler.pages", "{page}", "Pages committed (listings, organization overviews and cards), by kind and phase");

    public static readonly Counter<long> Repos = HubTelemetry.Meter.CreateCounter<long>(
        "hub.crawler.repos", "{repo}", "Repos observed, by repo type and crawl kind");

    public static readonly Counter<long> FailedPages = HubTelemetry.Meter.CreateCounter<long>(
        "hub.crawler.failed_pages", "{page}", "Listing pages dead-lettered after the bounded number of tries");

    public static readonly Counter<double> RateLimitWait = HubTelemetry.Meter.CreateCounter<double>(
        "hub.crawler.rate_limit_wait", "s", "Time spent waiting for the Hub's rate-limit quota");

    public static readonly Counter<long> RateLimited = HubTelemetry.Meter.CreateCounter<long>(
        "hub.crawler.rate_limited", "{response}", "429 answers from the Hub");

    public static KeyValuePair<string, object?> Kind(CrawlKind kind) => new("crawl.kind", kind.ToString());

    public static KeyValuePair<string, object?> Phase(CrawlPhase phase) => new("crawl.phase", phase.ToString());
}
