using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// A service's own admin routes (start a crawl, the emulator's <c>/admin</c>) need the admin key
/// even though the gateway checks it first: their ports are reachable without the gateway. The key
/// is <c>Admin:ApiKey</c> (the AppHost passes its admin-api-key parameter) in the X-Api-Key header:
/// none is 401, a wrong one 403, and with no key configured the routes refuse everyone (403).
/// Compared in constant time.
/// </summary>
public static class AdminKey
{
    public const string Header = "X-Api-Key";
    public const string Setting = "Admin:ApiKey";

    public static TBuilder RequireAdminKey<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var given = http.Request.Headers[Header].ToString();
            if (string.IsNullOrEmpty(given))
            {
                return TypedResults.Problem(title: "API key required", detail: $"Admin routes need the {Header} header.",
                    statusCode: StatusCodes.Status401Unauthorized);
            }
            if (!Holds(http))
            {
                return TypedResults.Problem(title: "API key not accepted", statusCode: StatusCodes.Status403Forbidden);
            }
            return await next(context);
        });

    /// <summary>Whether the request carries the configured admin key (never true when none is configured).</summary>
    public static bool Holds(HttpContext http)
    {
        var given = http.Request.Headers[Header].ToString();
        var expected = http.RequestServices.GetRequiredService<IConfiguration>()[Setting];
        return !string.IsNullOrEmpty(given) && !string.IsNullOrEmpty(expected)
               && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));
    }
}
