using System.Globalization;
using StackExchange.Redis;

namespace HubPlatform.Gateway.RateLimiting;

public sealed class ClientRateLimitOptions
{
    public const string Section = "Gateway:RateLimit";

    public int AnonymousPerMinute { get; set; } = 600;

    public int ApiKeyPerMinute { get; set; } = 6000;
}

/// <summary>
/// Fixed one-minute windows per client (its API key when the key is valid, else its IP: made-up
/// keys must not buy fresh budgets), counted in Redis so every
/// gateway replica enforces the same budget. Over budget: 429 with Retry-After and problem
/// details. If Redis is down the gateway lets requests through rather than fail them.
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
            var options = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<ClientRateLimitOptions>>().Value;
            var apiKey = context.Request.Headers["X-Api-Key"].ToString();
            var knownKey = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<HubPlatform.Gateway.Extensions.AdminApiKeyOptions>>().Value.AdminApiKey;
            var (client, quota) = apiKey.Length > 0 && apiKey == knownKey
                ? ("key:" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(apiKey)))[..16], options.ApiKeyPerMinute)
                : ("ip:" + context.Connection.RemoteIpAddress, options.AnonymousPerMinute);
            var now = DateTimeOffset.UtcNow;
            var window = now.ToUnixTimeSeconds() / 60;
            var resetIn = 60 - (int)(now.ToUnixTimeSeconds() % 60);
            long used;
            try
            {
                var db = context.RequestServices.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
                var key = $"gateway:rate:{client}:{window}";
                used = await db.StringIncrementAsync(key);
                if (used == 1)
                {
                    await db.KeyExpireAsync(key, TimeSpan.FromSeconds(61));
                }
            }
            catch (RedisException)
            {
                await next();
                return;
            }
            context.Response.Headers["RateLimit"] = $"\"api\";r={Math.Max(0, quota - used)};t={resetIn}";
            context.Response.Headers["RateLimit-Policy"] = $"\"fixed window\";\"api\";q={quota};w=60";
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
