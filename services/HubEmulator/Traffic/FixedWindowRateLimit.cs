using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Options;

namespace HubPlatform.HubEmulator.Traffic;

/// <summary>
/// Rate limits as the Hub does them: fixed windows aligned on the clock, one counter per client
/// (its Bearer token, else its IP) and bucket (<see cref="BucketOf"/>), each bucket with its own
/// quota per class of caller and its own IETF draft headers
/// <c>RateLimit: "resolvers";r=..;t=..</c> and <c>RateLimit-Policy: "fixed window";"resolvers";q=..;w=..</c>,
/// and 429 with Retry-After once the bucket's quota for the window is spent. A spent bucket
/// refuses only its own requests.
/// </summary>
public sealed class FixedWindowRateLimit(RequestDelegate next, IOptions<RateLimitOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<(string Client, string Bucket, long Window), int> _counts = new();
    private long _lastSweptWindow;

    /// <summary>The Hub's bucket of a path; null for what the Hub does not have (the emulator's admin and health routes).</summary>
    public static string? BucketOf(PathString path) =>
        path.StartsWithSegments("/api") ? "api"
        : path.StartsWithSegments("/admin") || path.StartsWithSegments("/health") || path.StartsWithSegments("/alive") ? null
        : path.Value?.Contains("/resolve/", StringComparison.Ordinal) == true ? "resolvers"
        : "pages";

    public async Task InvokeAsync(HttpContext http)
    {
        var o = options.Value;
        if (!o.Enabled || BucketOf(http.Request.Path) is not { } bucket)
        {
            await next(http);
            return;
        }

        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var window = now / o.WindowSeconds;
        var resetIn = (window + 1) * o.WindowSeconds - now;
        Sweep(window);

        var token = http.Request.Headers.Authorization.ToString() is { } auth && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? auth[7..].Trim() : null;
        var client = token is { Length: > 0 } ? $"token:{token}" : $"ip:{http.Connection.RemoteIpAddress}";
        var caller = token is { Length: > 0 } ? o.Tokens.GetValueOrDefault(token, TokenClass.Free) : TokenClass.Anonymous;
        var quota = o.Bucket(bucket).For(caller);
        var used = _counts.AddOrUpdate((client, bucket, window), 1, static (_, n) => n + 1);

        http.Response.Headers["RateLimit"] = $"\"{bucket}\";r={Math.Max(0, quota - used)};t={resetIn}";
        http.Response.Headers["RateLimit-Policy"] = $"\"fixed window\";\"{bucket}\";q={quota};w={o.WindowSeconds}";
        if (used > quota)
        {
            http.Response.Headers.RetryAfter = resetIn.ToString(CultureInfo.InvariantCulture);
            await Apis.RepoApi.HubError(429, $"You have exceeded our hourly quotas for action: {bucket}. We invite you to retry later.")
                .ExecuteAsync(http);
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
