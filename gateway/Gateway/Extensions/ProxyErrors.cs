using Yarp.ReverseProxy.Forwarder;

namespace HubPlatform.Gateway.Extensions;

/// <summary>
/// A service that is down or too slow answers as RFC 7807 problem details (503/504), not as an
/// empty 502: clients get a reason and a Retry-After.
/// </summary>
public static class ProxyErrors
{
    public static WebApplication UseProxyErrorsAsProblemDetails(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            await next();
            var error = context.Features.Get<IForwarderErrorFeature>();
            if (error is null || context.Response.HasStarted)
            {
                return;
            }
            var timedOut = error.Error is ForwarderError.RequestTimedOut;
            context.Response.StatusCode = timedOut ? StatusCodes.Status504GatewayTimeout : StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "5";
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new()
            {
                HttpContext = context,
                ProblemDetails =
                {
                    Title = timedOut ? "The service did not answer in time" : "The service is unavailable",
                    Detail = "Try again shortly.",
                },
            });
        });
        return app;
    }
}
