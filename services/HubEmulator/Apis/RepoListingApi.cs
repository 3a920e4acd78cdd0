using System.Text.Json;
using System.Text.Json.Nodes;
using HubPlatform.HubEmulator.Hub;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HubPlatform.HubEmulator.Apis;

/// <summary><c>/api/models</c> as huggingface.co serves it: listing with Link-header cursors, and single models.</summary>
public static class RepoListingApi
{
    public static IEndpointRouteBuilder MapRepoListingApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/models");
        api.MapGet("/", ListModels).WithName("ListModels");
        api.MapGet("/{**id}", GetModel).WithName("GetModel");
        return app;
    }

    private static IResult ListModels(HttpContext http, RepoStore store)
    {
        var q = http.Request.Query;
        var sort = q["sort"].FirstOrDefault() ?? "_id";
        if (!SortKey.Supported.Contains(sort))
        {
            return HubError(400, $"Invalid sort parameter: {sort}");
        }
        var limit = RepoListing.MaxLimit;
        if (q["limit"].FirstOrDefault() is { } limitText && (!int.TryParse(limitText, out limit) || limit < 1))
        {
            return HubError(400, "limit must be a positive integer");
        }
        var query = new ListingQuery(
            Search: q["search"].FirstOrDefault(),
            Author: q["author"].FirstOrDefault(),
            Filters: q["filter"].Where(f => !string.IsNullOrEmpty(f)).Select(f => f!).ToArray(),
            PipelineTag: q["pipeline_tag"].FirstOrDefault(),
            Sort: sort,
            Descending: q["direction"].FirstOrDefault() == "-1",
            Limit: Math.Min(limit, RepoListing.MaxLimit),
            Cursor: q["cursor"].FirstOrDefault());

        ListingPage page;
        try
        {
            page = RepoListing.Page(store, query);
        }
        catch (FormatException)
        {
            return HubError(400, "Invalid cursor");
        }

        var projection = new RepoProjection(IsTrue(q["full"]), IsTrue(q["cardData"]), q["expand[]"].Concat(q["expand"]).Where(e => !string.IsNullOrEmpty(e)).Select(e => e!).ToArray());
        if (page.NextCursor is not null)
        {
            var nextQuery = string.Join('&', q.Where(p => p.Key != "cursor")
                .SelectMany(p => p.Value.Select(v => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(v ?? "")}"))
                .Append($"cursor={page.NextCursor}"));
            http.Response.Headers.Link = $"<{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}{http.Request.Path}?{nextQuery}>; rel=\"next\"";
        }
        var body = new JsonArray(page.Repos.Select(r => (JsonNode)projection.Apply(r)).ToArray());
        return Results.Text(body.ToJsonString(), "application/json; charset=utf-8");
    }

    private static IResult GetModel(string id, RepoStore store, HttpContext http)
    {
        if (store.Renames.TryGetValue(id, out var renamed))
        {
            // The Hub answers a renamed repo with a relative 307 to its canonical id.
            http.Response.Headers.Location = $"/api/models/{renamed}";
            return Results.Text($"Temporary Redirect. Redirecting to /api/models/{renamed}", "text/plain; charset=utf-8", statusCode: 307);
        }
        var model = store.Find(id);
        if (model is null)
        {
            return HubError(404, "Repository not found");
        }
        return Results.Text(model.ToJsonString(), "application/json; charset=utf-8");
    }

    private static bool IsTrue(Microsoft.Extensions.Primitives.StringValues value) =>
        value.FirstOrDefault() is { } v && (v == "1" || v.Equals("true", StringComparison.OrdinalIgnoreCase));

    /// <summary>The Hub's own error shape: <c>{"error": "..."}</c>.</summary>
    internal static IResult HubError(int status, string message) =>
        Results.Text(JsonSerializer.Serialize(new { error = message }), "application/json; charset=utf-8", statusCode: status);
}
