using System.Globalization;
using System.Net.Http.Headers;

namespace HubPlatform.Crawler.Hub;

/// <summary>
/// Spreads requests over the Hub's fixed rate-limit window instead of spending the quota and
/// then waiting at a 429. The Hub answers every call with <c>RateLimit: "api";r=R;t=T</c>
/// (R requests left, T seconds until the window resets); the next request is due T/R seconds
/// after this one, which lands the last request of the quota at the end of the window.
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
        var (remaining, resetSeconds) = Parse(values.First());
        if (remaining is null || resetSeconds is null)
        {
            return;
        }
        var spacing = remaining > 0 ? resetSeconds.Value / remaining.Value : resetSeconds.Value;
        lock (_gate)
        {
            _nextRequestAt = time.GetUtcNow().AddSeconds(spacing);
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
