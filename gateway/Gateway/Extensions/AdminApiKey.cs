using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace HubPlatform.Gateway.Extensions;

public sealed class AdminApiKeyOptions
{
    public const string Section = "Gateway";

    /// <summary>The key admin routes require in the X-Api-Key header; set as an Aspire secret parameter.</summary>
    public string? AdminApiKey { get; set; }
}

/// <summary>
/// Admin routes (anything but GET/HEAD under /api/v1/crawls, all of /api/v1/admin) need the API key:
/// none is 401, a wrong one 403. Compared in constant time.
/// </summary>
public static class AdminApiKey
{
    public const string Header = "X-Api-Key";

    public static WebApplication UseAdminApiKey(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (!IsAdminRoute(context.Request))
            {
                await next();
                return;
            }
            var expected = context.RequestServices.GetRequiredService<IOptions<AdminApiKeyOptions>>().Value.AdminApiKey;
            var given = context.Request.Headers[Header].ToString();
            var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
            if (string.IsNullOrEmpty(given))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                await problems.WriteAsync(new()
                {
                    HttpContext = context,
                    ProblemDetails = { Title = "API key required", Detail = $"Admin routes need the {Header} header." },
                });
                return;
            }
            if (string.IsNullOrEmpty(expected)
                || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected)))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                await problems.WriteAsync(new() { HttpContext = context, ProblemDetails = { Title = "API key not accepted" } });
                return;
            }
            await next();
        });
        return app;
    }

    public static bool IsAdminRoute(HttpRequest request) =>
        request.Path.StartsWithSegments(PublicApi.Prefix + "/admin")
        || (request.Path.StartsWithSegments(PublicApi.Prefix + "/crawls") && !HttpMethods.IsGet(request.Method)
            && !HttpMethods.IsHead(request.Method));
}
