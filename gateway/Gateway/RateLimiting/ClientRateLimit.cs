using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using HubPlatform.Gateway.Extensions;
using Microsoft.Extensions.Options;

namespace HubPlatform.Gateway.RateLimiting;

public sealed class ClientRateLimitOptions
{
    public const string Section = "Gateway:RateLimit";

    public int AnonymousPerMinute { get; set; } = 600;

    public int ApiKeyPerMinute { get; set; } = 6000;

    /// <summary>
    /// The share of a client's budget (percent) a replica takes from Redis at a time and spends in memory
    /// (<see cref="RateBudgets"/>): larger asks Redis less often, smaller lets other replicas' unspent tokens refuse a client less early.
    /// </summary>
    public int ReservePercent { get; set; } = 2;
}

/// <summary>
/// Fixed one-minute windows per client: its API key when the key is valid, else its address (made-up keys
/// must not buy fresh budgets): an IPv4 address, an IPv6 /64 (<see cref="ClientAddress"/>), the client
/// behind a trusted proxy (<see cref="TrustedProxies"/>). Counted by <see cref="RateBudgets"/> (batches of a budget
/// shared in Redis, or this replica's memory while Redis is down). Over budget: 429 with Retry-After and problem details.
/// </summary>
public static class ClientRateLimit
{
    public static WebApplication UseClientRateLimit(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments("/api"))
            {
                await next();
                return;
            }
            var options = context.RequestServices.GetRequiredService<IOptions<ClientRateLimitOptions>>().Value;
            var apiKey = context.Request.Headers[AdminApiKey.Header].ToString();
            var knownKey = context.RequestServices.GetRequiredService<IOptions<AdminApiKeyOptions>>().Value.AdminApiKey;
            var (client, quota) = apiKey.Length > 0 && apiKey == knownKey
                ? ("key:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)))[..16], options.ApiKeyPerMinute)
                : ("ip:" + ClientAddress.BucketOf(context.Connection.RemoteIpAddress), options.AnonymousPerMinute);
            var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            var resetIn = 60 - (int)(now % 60);
            var used = await context.RequestServices.GetRequiredService<RateBudgets>().SpendAsync(client, now / 60, quota);
            context.Response.Headers["RateLimit"] = string.Create(CultureInfo.InvariantCulture, $"\"api\";r={Math.Max(0, quota - used)};t={resetIn}");
            context.Response.Headers["RateLimit-Policy"] = string.Create(CultureInfo.InvariantCulture, $"\"fixed window\";\"api\";q={quota};w=60");
            if (used > quota)
            {
                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                context.Response.Headers.RetryAfter = resetIn.ToString(CultureInfo.InvariantCulture);
                await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new()
                {
                    HttpContext = context,
                    ProblemDetails = { Title = "Too many requests", Detail = $"{quota} requests per minute; try again in {resetIn}s." },
                });
                return;
            }
            await next();
        });
        return app;
    }
}
