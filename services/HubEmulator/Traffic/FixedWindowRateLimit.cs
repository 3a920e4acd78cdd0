using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace HubPlatform.HubEmulator.Traffic;

/// <summary>
/// Rate limits as the Hub does them: fixed windows aligned on the clock, one counter per client
/// (its Bearer token, else its IP), the IETF draft headers
/// <c>RateLimit: "api";r=..;t=..</c> and <c>RateLimit-Policy: "fixed window";"api";q=..;w=..</c>,
/// and 429 with Retry-After once the window's quota is spent.
/// </summary>
public sealed class FixedWindowRateLimit(RequestDelegate next, IOptions<RateLimitOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<(string Client, long Window), int> _counts = new();
    private long _lastSweptWindow;

    public async Task InvokeAsync(HttpContext http)
    {
        var o = options.Value;
        if (!o.Enabled || !http.Request.Path.StartsWithSegments("/api"))
        {
            await next(http);
            return;
        }

        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var window = now / o.WindowSeconds;
        var resetIn = (window + 1) * o.WindowSeconds - now;
        Sweep(window);

        var token = http.Request.Headers.Authorization.ToString() is { } auth && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? auth[7..].Trim() : null;
        var client = token is { Length: > 0 } ? $"token:{token}" : $"ip:{http.Connection.RemoteIpAddress}";
        var quota = token is { Length: > 0 } ? o.TokenQuota : o.AnonymousQuota;
        var used = _counts.AddOrUpdate((client, window), 1, static (_, n) => n + 1);

        http.Response.Headers["RateLimit"] = $"\"api\";r={Math.Max(0, quota - used)};t={resetIn}";
        http.Response.Headers["RateLimit-Policy"] = $"\"fixed window\";\"api\";q={quota};w={o.WindowSeconds}";
        if (used > quota)
        {
            http.Response.Headers.RetryAfter = resetIn.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await Apis.RepoApi.HubError(429, "You have exceeded our hourly quotas for action: api. We invite you to retry later.").ExecuteAsync(http);
            return;
        }
        await next(http);
    }

    /// <summary>Counters of past windows are never read again.</summary>
    private void Sweep(long window)
    {
        if (Interlocked.Exchange(ref _lastSweptWindow, window) == window)
        {
            return;
        }
        foreach (var key in _counts.Keys.Where(k => k.Window < window))
        {
            _counts.TryRemove(key, out _);
        }
    }
}
