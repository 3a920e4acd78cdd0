using Scalar.AspNetCore;

namespace HubPlatform.Gateway.OpenApi;

public static class PublicApiDocumentApi
{
    /// <summary>/openapi/v1.json (merged document), /scalar/v1 (browsable reference); / is the web explorer.</summary>
    public static WebApplication MapPublicApiDocument(this WebApplication app)
    {
        app.MapGet("/openapi/v1.json", async (PublicApiDocument document, CancellationToken ct) =>
                Results.Text((await document.BuildAsync(ct)).ToJsonString(), "application/json"))
            .CacheOutput(policy => policy.Expire(TimeSpan.FromMinutes(1)))
            .ExcludeFromDescription();
        app.MapScalarApiReference(options => options.WithTitle("HubPlatform API"));
        return app;
    }
}
