using System.Buffers;
using System.Text.Json;
using HubPlatform.HubEmulator.Hub;
using Microsoft.Extensions.Primitives;

namespace HubPlatform.HubEmulator.Apis;

/// <summary>
/// <c>/api/models</c>, <c>/api/datasets</c> and <c>/api/spaces</c> as huggingface.co serves them:
/// listings with Link-header cursors, and single repos. One implementation for the three types.
/// </summary>
public static class RepoApi
{
    public static IEndpointRouteBuilder MapRepoApi(this IEndpointRouteBuilder app)
    {
        foreach (var type in RepoTypes.All)
        {
            var noun = type.ToString();
            var api = app.MapGroup($"/api/{type.Plural()}");
            api.MapGet("/", (HttpContext http, EmulatedHub hub) => List(type, http, hub))
                .WithName($"List{noun}s").WithSummary($"List {type.Plural()} with the Hub's filters, sorts and cursor pagination");
            api.MapGet("/{**id}", (string id, HttpContext http, EmulatedHub hub) => Get(type, id, http, hub))
                .WithName($"Get{noun}")
                .WithSummary($"One {noun.ToLowerInvariant()} (at a revision: {{id}}/revision/{{revision}}); 307 to the new id if it was renamed");
        }
        return app;
    }

    private static IResult List(RepoType type, HttpContext http, EmulatedHub hub)
    {
        var q = http.Request.Query;
        var sort = q["sort"].FirstOrDefault() ?? "_id";
        if (!SortValue.Sorts.Contains(sort))
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
            Filters: NonEmpty(q["filter"]),
            PipelineTag: q["pipeline_tag"].FirstOrDefault(),
            Sort: sort,
            Descending: q["direction"].FirstOrDefault() == "-1",
            Limit: Math.Min(limit, RepoListing.MaxLimit),
            Cursor: q["cursor"].FirstOrDefault());

        var repos = hub.Repos(type);
        ListingPage page;
        try
        {
            page = RepoListing.Page(repos, query);
        }
        catch (FormatException)
        {
            return HubError(400, "Invalid cursor");
        }

        if (page.NextCursor is not null)
        {
            var nextQuery = string.Join('&', q.Where(p => p.Key != "cursor")
                .SelectMany(p => p.Value.Select(v => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(v ?? "")}"))
                .Append($"cursor={page.NextCursor}"));
            var request = http.Request;
            http.Response.Headers.Link = $"<{request.Scheme}://{request.Host}{request.PathBase}{request.Path}?{nextQuery}>; rel=\"next\"";
        }
        var projection = new RepoProjection(type, IsTrue(q["full"]), IsTrue(q["cardData"]), Expand(q));
        return Json(writer =>
        {
            writer.WriteStartArray();
            foreach (var index in page.Repos)
            {
                projection.WriteTo(writer, repos.Json(index));
            }
            writer.WriteEndArray();
        });
    }

    private static IResult Get(RepoType type, string path, HttpContext http, EmulatedHub hub)
    {
        // model_info and the JS modelInfo ask for /api/models/{id}/revision/{revision} (the JS client's default revision is HEAD).
        var (id, revision) = path.IndexOf("/revision/", StringComparison.Ordinal) is var at and > 0
            ? (path[..at], Uri.UnescapeDataString(path[(at + "/revision/".Length)..]))
            : (path, (string?)null);
        var repos = hub.Repos(type);
        if (repos.RenamedTo(id) is { } renamed)
        {
            // The Hub answers a renamed repo with a relative 307 to its canonical id.
            var location = $"/api/{type.Plural()}/{renamed}" + (revision is null ? "" : $"/revision/{Uri.EscapeDataString(revision)}");
            http.Response.Headers.Location = location;
            return Results.Text($"Temporary Redirect. Redirecting to {location}", "text/plain; charset=utf-8", statusCode: 307);
        }
        var index = repos.IndexOf(id);
        if (index < 0)
        {
            return HubError(404, "Repository not found");
        }
        if (revision is not null && !RepoRevision.Matches(revision, RepoFileApi.Commit(repos, index)))
        {
            http.Response.Headers["X-Error-Code"] = "RevisionNotFound";
            return HubError(404, $"Invalid rev id: {revision}");
        }
        var expand = Expand(http.Request.Query);
        var projection = expand.Length > 0 ? new RepoProjection(type, false, false, expand) : RepoProjection.Everything(type);
        return Json(writer => projection.WriteTo(writer, repos.Json(index)));
    }

    private static string[] Expand(IQueryCollection q) => NonEmpty(new StringValues([.. q["expand[]"], .. q["expand"]]));

    private static string[] NonEmpty(StringValues values) => values.Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).ToArray();

    private static bool IsTrue(StringValues value) =>
        value.FirstOrDefault() is { } v && (v == "1" || v.Equals("true", StringComparison.OrdinalIgnoreCase));

    /// <summary>A JSON answer written as UTF-8 bytes (no intermediate string of the whole page).</summary>
    private static IResult Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }
        return Results.Bytes(buffer.WrittenMemory, "application/json; charset=utf-8");
    }

    /// <summary>The Hub's own error shape: <c>{"error": "..."}</c>.</summary>
    internal static IResult HubError(int status, string message) =>
        Results.Text(JsonSerializer.Serialize(new { error = message }), "application/json; charset=utf-8", statusCode: status);
}
