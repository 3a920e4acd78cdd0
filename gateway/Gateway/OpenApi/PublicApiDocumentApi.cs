using Scalar.AspNetCore;

namespace HubPlatform.Gateway.OpenApi;

public static class PublicApiDocumentApi
{
    /// <summary>/openapi/v1.json (merged document), /scalar/v1 (browsable reference); / leads to the reference until the explorer lands.</summary>
    public static WebApplication MapPublicApiDocument(this WebApplication app)
    {
        app.MapGet("/openapi/v1.json", async (PublicApiDocument document, CancellationToken ct) =>
                Results.Text((await document.BuildAsync(ct)).ToJsonString(), "application/json"))
            .CacheOutput(policy => policy.Expire(TimeSpan.FromMinutes(1)))
            .ExcludeFromDescription();
        app.MapScalarApiReference(options => options.WithTitle("HubPlatform API"));
        app.MapGet("/", () => Results.Redirect("/scalar/v1")).ExcludeFromDescription();
        return app;
    }
}
