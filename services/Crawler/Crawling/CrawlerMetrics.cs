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

    public static readonly Counter<long> Cards = HubTelemetry.Meter.CreateCounter<long>(
        "hub.crawler.cards", "{card}", "Cards the backlog read, by outcome: readme, none (404: no README) or failed (tried again later)");

    public static readonly Counter<long> OutboxFailures = HubTelemetry.Meter.CreateCounter<long>(
        "hub.crawler.outbox.failures", "{try}", "Outbox rows that failed to publish for a reason of their own (not a broker outage), by event type");

    public static readonly Counter<long> OutboxMovedAside = HubTelemetry.Meter.CreateCounter<long>(
        "hub.crawler.outbox.moved_aside", "{event}",
        "Outbox rows moved aside after Crawler:OutboxMaxAttempts failures, waiting for an admin's replay");

    public static readonly Counter<long> Pruned = HubTelemetry.Meter.CreateCounter<long>(
        "hub.crawler.pruned", "{item}",
        "Deleted after a crawl by the retention: repos of older snapshots' lists (table: snapshot_repo_pages) and sent events (table: outbox)");

    private static CardCoverageReader? _coverage;
    private static int _coverageObserved;

    /// <summary>
    /// The card backlog's coverage as last read (<see cref="CardCoverageReader"/>), observed by the
    /// exporter. The gauges are made once per process (tests host several crawlers in one) and read the latest reader.
    /// </summary>
    public static void ObserveCardCoverage(CardCoverageReader reader)
    {
        _coverage = reader;
        if (Interlocked.Exchange(ref _coverageObserved, 1) == 1)
        {
            return;
        }
        HubTelemetry.Meter.CreateObservableGauge("hub.crawler.cards.backlog", () => Gauge(_coverage?.Last?.Backlog), "{card}",
            "Cards due: never read, or read at another sha than the one listed last");
        HubTelemetry.Meter.CreateObservableGauge("hub.crawler.cards.with_readme", () => Gauge(_coverage?.Last?.WithReadme), "{repo}",
            "Models and datasets whose README was read");
        HubTelemetry.Meter.CreateObservableGauge("hub.crawler.cards.without_readme", () => Gauge(_coverage?.Last?.WithoutReadme), "{repo}",
            "Models and datasets that answered 404 (no README), remembered until their sha moves");
        HubTelemetry.Meter.CreateObservableGauge("hub.crawler.cards.repos", () => Gauge(_coverage?.Last?.Repos), "{repo}",
            "Models and datasets the card backlog knows from the listings");
        HubTelemetry.Meter.CreateObservableGauge("hub.crawler.cards.eta",
            () => _coverage?.Last?.EtaHours is { } h ? [new Measurement<double>(h)] : Array.Empty<Measurement<double>>(), "h",
            "Hours the due cards need at the resolvers quota");
    }

    private static IEnumerable<Measurement<long>> Gauge(long? value) => value is { } v ? [new Measurement<long>(v)] : [];

    public static KeyValuePair<string, object?> Kind(CrawlKind kind) => new("crawl.kind", kind.ToString());

    public static KeyValuePair<string, object?> Phase(CrawlPhase phase) => new("crawl.phase", phase.ToString());
}
