using System.Text.Json.Nodes;
using HubPlatform.Gateway.Extensions;

namespace HubPlatform.Gateway.OpenApi;

/// <summary>
/// The one OpenAPI document of the public API: each service's own document (served at
/// /openapi/v1.json behind service discovery), merged. Services whose document cannot be read
/// are left out and named in the description, so a down service never breaks the docs. Paths are
/// shown as users call them, under /api/v1.
/// </summary>
public sealed class PublicApiDocument(IHttpClientFactory clients, ILogger<PublicApiDocument> logger)
{
    public static readonly string[] Services = ["metrics", "lineage", "search", "crawler"];

    public async Task<JsonObject> BuildAsync(CancellationToken cancellationToken)
    {
        var paths = new JsonObject();
        var schemas = new JsonObject();
        var missing = new List<string>();
        var http = clients.CreateClient("openapi");
        foreach (var service in Services)
        {
            try
            {
                var document = JsonNode.Parse(await http.GetStringAsync($"http://{service}/openapi/v1.json", cancellationToken))!.AsObject();
                foreach (var (path, item) in document["paths"]?.AsObject() ?? [])
                {
                    paths[PublicApi.ToPublicPath(path)] = item?.DeepClone();
                }
                foreach (var (name, schema) in document["components"]?["schemas"]?.AsObject() ?? [])
                {
                    schemas[name] = schema?.DeepClone();
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
            {
                logger.OpenApiDocumentUnavailable(ex, service);
                missing.Add(service);
            }
        }
        return new JsonObject
        {
            ["openapi"] = "3.1.1",
            ["info"] = new JsonObject
            {
                ["title"] = "HubPlatform API",
                ["version"] = "v1",
                ["description"] = "What is the open-source AI community building? Analytics over the Hugging Face Hub's public metadata."
                    + (missing.Count > 0 ? $" (Not shown now, service unavailable: {string.Join(", ", missing)}.)" : ""),
            },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = schemas },
        };
    }
}
