using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace HubPlatform.Gateway.WebExplorer;

/// <summary>
/// The web explorer (gateway/Explorer, built into wwwroot/ by the project's BuildExplorer target)
/// at /: its hashed assets as static files, and index.html for each client route the app knows.
/// Only those exact paths are answered, so /api, /openapi, /scalar and /health are never shadowed.
/// </summary>
public static class ExplorerApp
{
    /// <summary>The app's client routes (state lives in the query string, so one path per view).</summary>
    public static readonly string[] Routes = ["/", "/modelverse", "/dataverse", "/heatmap", "/lineage", "/search", "/trends"];

    /// <summary>
    /// What the app needs and nothing more: its own scripts, styles and API calls. The one hash is
    /// the single rule Cytoscape injects as a &lt;style&gt; element (".__________cytoscape_container {
    /// position: relative; }"); charts render tooltips on the canvas, so no other inline style is needed.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self' 'sha256-pgvDUBa4IjFA2yuSJ2cqcyxmNYJMborsd0ORcRv9vw8='; " +
        "img-src 'self' data:; connect-src 'self'; font-src 'self'; manifest-src 'self'; " +
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";

    public static WebApplication UseExplorerAssets(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            CompareIfNoneMatchWeakly(context.Request);
            return next();
        });
        app.UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                // Vite names assets by content hash: they never change under one URL.
                headers.CacheControl = context.Context.Request.Path.StartsWithSegments("/assets")
                    ? "public, max-age=31536000, immutable"
                    : "no-cache";
            },
        });
        return app;
    }

    /// <summary>
    /// If-None-Match compares weakly (RFC 9110 §13.1.2) but the static-files middleware compares strongly, and a compressed
    /// asset's ETag is weak (GatewayCompressionProvider: its bytes are not the file's): the request's tags are made strong,
    /// or revalidating a compressed asset would never get its 304. Only the explorer's files are concerned: /api is left alone.
    /// </summary>
    private static void CompareIfNoneMatchWeakly(HttpRequest request)
    {
        var ifNoneMatch = request.Headers.IfNoneMatch;
        if (StringValues.IsNullOrEmpty(ifNoneMatch) || request.Path.StartsWithSegments("/api")
            || !EntityTagHeaderValue.TryParseList(ifNoneMatch, out var tags) || !tags.Any(tag => tag.IsWeak))
        {
            return;
        }
        request.Headers.IfNoneMatch = new StringValues(
            tags.Select(tag => tag.IsWeak ? new EntityTagHeaderValue(tag.Tag).ToString() : tag.ToString()).ToArray());
    }

    public static WebApplication MapExplorer(this WebApplication app)
    {
        foreach (var route in Routes)
        {
            app.MapMethods(route, [HttpMethods.Get, HttpMethods.Head], (HttpContext context, IWebHostEnvironment environment) =>
                    ServeIndex(context, environment.WebRootFileProvider.GetFileInfo("index.html")))
                .ExcludeFromDescription();
        }
        return app;
    }

    private static IResult ServeIndex(HttpContext context, IFileInfo index)
    {
        if (!index.Exists)
        {
            return TypedResults.Problem(title: "The explorer is not built", statusCode: StatusCodes.Status503ServiceUnavailable,
                detail: "Build the gateway project (it runs npm ci and npm run build in gateway/Explorer). The API reference is at /scalar/v1.");
        }
        context.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        context.Response.Headers.CacheControl = "no-cache";
        return TypedResults.Stream(index.CreateReadStream(), "text/html; charset=utf-8", lastModified: index.LastModified,
            entityTag: new EntityTagHeaderValue($"\"{index.LastModified.UtcTicks:x}\""));
    }
}
