using System.Globalization;
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
    private DateTimeOffset _nextRequestAt = DateTimeOffset.MinValue;

    /// <summary>Total seconds this crawler waited for the quota, for progress reports.</summary>
    public double WaitedSeconds { get; private set; }

    public async Task WaitTurnAsync(CancellationToken cancellationToken)
    {
        TimeSpan wait;
        lock (_gate)
        {
            wait = _nextRequestAt - time.GetUtcNow();
        }
        if (wait > TimeSpan.Zero)
        {
            WaitedSeconds += wait.TotalSeconds;
            Crawling.CrawlerMetrics.RateLimitWait.Add(wait.TotalSeconds);
            await Task.Delay(wait, time, cancellationToken);
        }
    }

    public void Observe(HttpResponseHeaders headers)
    {
        if (!headers.TryGetValues("RateLimit", out var values))
        {
            return;
        }
        // T counts whole seconds up to the reset, so holding T from now never comes back before it.
        if (Parse(values.First()) is (0, { } resetSeconds))
        {
            Defer(TimeSpan.FromSeconds(resetSeconds));
        }
    }

    /// <summary>Holds every request until <paramref name="delay"/> has passed (a 429's Retry-After).</summary>
    public void Defer(TimeSpan delay)
    {
        lock (_gate)
        {
            var until = time.GetUtcNow() + delay;
            if (until > _nextRequestAt)
            {
                _nextRequestAt = until;
            }
        }
    }

    /// <summary>Reads <c>"api";r=999;t=300</c> (IETF RateLimit header fields, as the Hub sends them).</summary>
    public static (int? Remaining, double? ResetSeconds) Parse(string header)
    {
        int? remaining = null;
        double? reset = null;
        foreach (var part in header.Split(';', StringSplitOptions.TrimEntries))
        {
            if (part.StartsWith("r=", StringComparison.Ordinal) && int.TryParse(part.AsSpan(2), NumberStyles.Integer, CultureInfo.InvariantCulture, out var r))
            {
                remaining = r;
            }
            else if (part.StartsWith("t=", StringComparison.Ordinal) && double.TryParse(part.AsSpan(2), NumberStyles.Float, CultureInfo.InvariantCulture, out var t))
            {
                reset = t;
            }
        }
        return (remaining, reset);
    }
}
