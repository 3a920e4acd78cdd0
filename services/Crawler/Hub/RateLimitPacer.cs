using System.Net.Http.Headers;

namespace HubPlatform.Crawler.Hub;

/// <summary>
/// Keeps the crawler inside the Hub's rate limit without ever hitting it. The Hub answers every
/// call with <c>RateLimit: "api";r=R;t=T</c> (R requests left in the window, T seconds until it
/// resets). Its windows are fixed: the whole quota comes back at once when one resets. So the
/// quota is spent as fast as the crawler can use it, and once a response says none is left
/// (R = 0) every request is held until the window resets, instead of being sent into a 429.
/// Spreading the requests over the window (T/R apart, as this did before) gains nothing against a
/// fixed window and lost what was left unspent when a window closed: 1.04× the time the quota
/// dictates over a 1M-model crawl.
/// </summary>
public sealed class RateLimitPacer(TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, DateTimeOffset> _nextRequestAt = [];

    /// <summary>Total seconds this crawler waited for the quota, for progress reports.</summary>
    public double WaitedSeconds { get; private set; }

    /// <summary>The API quota the Hub last announced in <c>RateLimit-Policy</c> (null until a response had one): crawl ETAs use it.</summary>
    public RateLimitPolicy? Policy { get; private set; }

    /// <summary>
    /// The Hub's rate-limit bucket of a URL, each with its own quota: "api" (<c>/api/...</c>), "resolvers"
    /// (file downloads, <c>/resolve/</c>) and "pages" (everything else, e.g. a card's <c>/raw/</c> page).
    /// A spent bucket holds only its own requests.
    /// </summary>
    public static string BucketOf(Uri url) =>
        url.AbsolutePath.StartsWith("/api/", StringComparison.Ordinal) ? "api"
        : url.AbsolutePath.Contains("/resolve/", StringComparison.Ordinal) ? "resolvers"
        : "pages";

    public async Task WaitTurnAsync(Uri url, CancellationToken cancellationToken)
    {
        TimeSpan wait;
        lock (_gate)
        {
            wait = _nextRequestAt.GetValueOrDefault(BucketOf(url), DateTimeOffset.MinValue) - time.GetUtcNow();
        }
        if (wait > TimeSpan.Zero)
        {
            WaitedSeconds += wait.TotalSeconds;
            Crawling.CrawlerMetrics.RateLimitWait.Add(wait.TotalSeconds);
            await Task.Delay(wait, time, cancellationToken);
        }
    }

    /// <summary>The longest one answer can hold a bucket (HubOptions.MaxRetryAfter in the crawler).</summary>
    public TimeSpan MaxDefer { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Reads the rate-limit headers of the answer to a request for <paramref name="url"/>.</summary>
    public void Observe(Uri url, HttpResponseHeaders headers)
    {
        if (BucketOf(url) == "api" && headers.TryGetValues("RateLimit-Policy", out var policies) && RateLimitPolicy.Parse(policies.First()) is { } policy)
        {
            Policy = policy;
        }
        // T counts whole seconds up to the reset, so holding T from now never comes back before it.
        if (headers.TryGetValues("RateLimit", out var values) && Parse(values.First()) is (0, { } resetSeconds))
        {
            Defer(url, TimeSpan.FromSeconds(resetSeconds));
        }
    }

    /// <summary>Holds every request of the URL's bucket until <paramref name="delay"/> has passed (a spent window, a 429's Retry-After).</summary>
    public void Defer(Uri url, TimeSpan delay)
    {
        // A reset hours away (a hostile or broken header) must not stall the crawl: at most MaxDefer at once.
        delay = delay > MaxDefer ? MaxDefer : delay;
        var bucket = BucketOf(url);
        lock (_gate)
        {
            var until = time.GetUtcNow() + delay;
            if (until > _nextRequestAt.GetValueOrDefault(bucket, DateTimeOffset.MinValue))
            {
                _nextRequestAt[bucket] = until;
            }
        }
    }

    /// <summary>Reads <c>"api";r=999;t=300</c> (IETF RateLimit header fields, as the Hub sends them).</summary>
    public static (int? Remaining, double? ResetSeconds) Parse(string header) =>
        (RateLimitPolicy.Number(header, "r") is { } r ? (int)r : null, RateLimitPolicy.Number(header, "t"));
}
