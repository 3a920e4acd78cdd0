using System.Net.Http.Headers;

namespace HubPlatform.Crawler.Hub;

/// <summary>
/// Keeps the crawler inside the Hub's rate limits without ever hitting them. The Hub answers every
/// call with <c>RateLimit: "api";r=R;t=T</c> (R requests left in the window, T seconds until it
/// resets), one bucket per kind of request (<see cref="BucketOf"/>), each with its own quota. Its
/// windows are fixed: the whole quota comes back at once when one resets. So a bucket's quota is
/// spent as fast as the crawler can use it, and once its requests would exceed what is left (R
/// minus the requests of that bucket still in flight, which the Hub has not counted yet when it
/// says R), every request of that bucket is held until the window resets, instead of being sent
/// into a 429. Spreading the requests over the window (T/R apart, as this did before) gains
/// nothing against a fixed window and lost what was left unspent when a window closed: 1.04× the
/// time the quota dictates over a 1M-model crawl. Buckets never hold each other: the card
/// backlog's downloads (resolvers) run beside the listings (api).
/// </summary>
public sealed class RateLimitPacer(TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Bucket> _buckets = [];

    private sealed class Bucket
    {
        public DateTimeOffset HoldUntil = DateTimeOffset.MinValue;
        /// <summary>Requests this crawler may still start in the current window; null when no answer of this window said.</summary>
        public int? Remaining;
        public DateTimeOffset ResetAt = DateTimeOffset.MinValue;
        public int InFlight;
        public RateLimitPolicy? Policy;
        public double WaitedSeconds;
    }

    /// <summary>Total seconds this crawler waited for any bucket's quota.</summary>
    public double WaitedSeconds
    {
        get
        {
            lock (_gate)
            {
                return _buckets.Values.Sum(b => b.WaitedSeconds);
            }
        }
    }

    /// <summary>The API quota the Hub last announced in <c>RateLimit-Policy</c> (null until a response had one): crawl ETAs use it.</summary>
    public RateLimitPolicy? Policy => PolicyOf("api");

    /// <summary>A bucket's quota as the Hub last announced it (the card backlog's ETA reads "resolvers").</summary>
    public RateLimitPolicy? PolicyOf(string bucket)
    {
        lock (_gate)
        {
            return _buckets.GetValueOrDefault(bucket)?.Policy;
        }
    }

    /// <summary>Seconds waited for one bucket's quota (a crawl reports the api bucket's: what its listings waited).</summary>
    public double WaitedSecondsIn(string bucket)
    {
        lock (_gate)
        {
            return _buckets.GetValueOrDefault(bucket)?.WaitedSeconds ?? 0;
        }
    }

    /// <summary>
    /// The Hub's rate-limit bucket of a URL, each with its own quota: "api" (<c>/api/...</c>), "resolvers"
    /// (file downloads, <c>/resolve/</c>, the card backlog's) and "pages" (everything else, e.g. a <c>/raw/</c> page).
    /// A spent bucket holds only its own requests.
    /// </summary>
    public static string BucketOf(Uri url) =>
        url.AbsolutePath.StartsWith("/api/", StringComparison.Ordinal) ? "api"
        : url.AbsolutePath.Contains("/resolve/", StringComparison.Ordinal) ? "resolvers"
        : "pages";

    public async Task WaitTurnAsync(Uri url, CancellationToken cancellationToken)
    {
        var name = BucketOf(url);
        while (true)
        {
            TimeSpan wait;
            lock (_gate)
            {
                var bucket = Of(name);
                var now = time.GetUtcNow();
                if (now >= bucket.ResetAt)
                {
                    bucket.Remaining = null; // A new window: its quota is whole again.
                }
                wait = bucket.HoldUntil - now;
                if (wait <= TimeSpan.Zero && bucket.Remaining is <= 0)
                {
                    wait = bucket.ResetAt - now;
                }
                if (wait <= TimeSpan.Zero)
                {
                    bucket.Remaining--;
                    bucket.InFlight++;
                    return;
                }
                bucket.WaitedSeconds += wait.TotalSeconds;
            }
            Crawling.CrawlerMetrics.RateLimitWait.Add(wait.TotalSeconds, new KeyValuePair<string, object?>("hub.bucket", name));
            await Task.Delay(wait, time, cancellationToken);
        }
    }

    /// <summary>The longest one answer can hold a bucket (HubOptions.MaxRetryAfter in the crawler).</summary>
    public TimeSpan MaxDefer { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Reads the rate-limit headers of the answer to a request for <paramref name="url"/>.</summary>
    public void Observe(Uri url, HttpResponseHeaders headers)
    {
        var name = BucketOf(url);
        double? holdFor = null;
        lock (_gate)
        {
            var bucket = Of(name);
            bucket.InFlight = Math.Max(0, bucket.InFlight - 1);
            if (headers.TryGetValues("RateLimit-Policy", out var policies) && RateLimitPolicy.Parse(policies.First()) is { } policy)
            {
                bucket.Policy = policy;
            }
            if (headers.TryGetValues("RateLimit", out var values) && Parse(values.First()) is ({ } remaining, { } resetSeconds))
            {
                // T counts whole seconds up to the reset, so holding T from now never comes back before it.
                var resetAt = time.GetUtcNow() + TimeSpan.FromSeconds(resetSeconds);
                var left = remaining - bucket.InFlight;
                // Answers of one window can arrive out of order (an earlier request's larger R after a later one's):
                // within a window the smallest count holds; a later reset is a new window.
                var sameWindow = bucket.Remaining is not null && resetAt - bucket.ResetAt < TimeSpan.FromSeconds(1.5);
                bucket.Remaining = sameWindow ? Math.Min(bucket.Remaining!.Value, left) : left;
                bucket.ResetAt = resetAt > bucket.ResetAt ? resetAt : bucket.ResetAt;
                if (remaining == 0)
                {
                    holdFor = resetSeconds;
                }
            }
        }
        if (holdFor is { } seconds)
        {
            Defer(url, TimeSpan.FromSeconds(seconds));
        }
    }

    /// <summary>A request that got no answer (a dropped connection, a timeout): it no longer counts as in flight.</summary>
    public void Abandon(Uri url)
    {
        lock (_gate)
        {
            var bucket = Of(BucketOf(url));
            bucket.InFlight = Math.Max(0, bucket.InFlight - 1);
        }
    }

    /// <summary>Holds every request of the URL's bucket until <paramref name="delay"/> has passed (a spent window, a 429's Retry-After).</summary>
    public void Defer(Uri url, TimeSpan delay)
    {
        // A reset hours away (a hostile or broken header) must not stall the crawl: at most MaxDefer at once.
        delay = delay > MaxDefer ? MaxDefer : delay;
        lock (_gate)
        {
            var bucket = Of(BucketOf(url));
            var until = time.GetUtcNow() + delay;
            if (until > bucket.HoldUntil)
            {
                bucket.HoldUntil = until;
            }
        }
    }

    private Bucket Of(string name)
    {
        if (!_buckets.TryGetValue(name, out var bucket))
        {
            _buckets[name] = bucket = new Bucket();
        }
        return bucket;
    }

    /// <summary>Reads <c>"api";r=999;t=300</c> (IETF RateLimit header fields, as the Hub sends them).</summary>
    public static (int? Remaining, double? ResetSeconds) Parse(string header) =>
        (RateLimitPolicy.Number(header, "r") is { } r ? (int)r : null, RateLimitPolicy.Number(header, "t"));
}
