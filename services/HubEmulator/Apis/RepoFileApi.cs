using System.Security.Cryptography;
using System.Text;
using HubPlatform.HubEmulator.Hub;
using Microsoft.Net.Http.Headers;

namespace HubPlatform.HubEmulator.Apis;

/// <summary>
/// Files as the Hub's clients download them: <c>GET</c> and <c>HEAD /{id}/resolve/{revision}/{path}</c>
/// (<c>/datasets/{id}/resolve/...</c> for datasets), the URL <c>hf_hub_download</c> and the JS
/// client's <c>downloadFile</c> build. A repo's only file here is its README.md (its card).
/// The answer carries what those clients read: <c>X-Repo-Commit</c> (the commit the revision
/// resolved to), <c>ETag</c> (the file's git blob id, as the Hub sends for a file not in LFS),
/// <c>Content-Length</c>, byte ranges (the JS client probes with <c>Range: bytes=0-0</c>), and
/// the Hub's <c>X-Error-Code</c> on a 404 (<c>RepoNotFound</c>, <c>RevisionNotFound</c>,
/// <c>EntryNotFound</c>), which the clients turn into their own errors. A README is never in
/// LFS, so no <c>X-Linked-Etag</c>/<c>X-Linked-Size</c> (the Hub sends those only with the
/// redirect of an LFS file to its CDN).
/// </summary>
public static class RepoFileApi
{
    private static readonly string[] GetAndHead = [HttpMethods.Get, HttpMethods.Head];

    public static IEndpointRouteBuilder MapRepoFileApi(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/datasets/{owner}/{name}/resolve/{revision}/{**path}", GetAndHead,
            (string owner, string name, string revision, string path, HttpContext http, EmulatedHub hub) =>
                Resolve(http, hub, RepoType.Dataset, $"{owner}/{name}", revision, path))
            .WithName("ResolveDatasetFile");
        app.MapMethods("/datasets/{name}/resolve/{revision}/{**path}", GetAndHead,
            (string name, string revision, string path, HttpContext http, EmulatedHub hub) =>
                Resolve(http, hub, RepoType.Dataset, name, revision, path))
            .WithName("ResolveLegacyDatasetFile");
        app.MapMethods("/{owner}/{name}/resolve/{revision}/{**path}", GetAndHead,
            (string owner, string name, string revision, string path, HttpContext http, EmulatedHub hub) =>
                Resolve(http, hub, RepoType.Model, $"{owner}/{name}", revision, path))
            .WithName("ResolveModelFile");
        app.MapMethods("/{name}/resolve/{revision}/{**path}", GetAndHead,
            (string name, string revision, string path, HttpContext http, EmulatedHub hub) =>
                Resolve(http, hub, RepoType.Model, name, revision, path))
            .WithName("ResolveLegacyModelFile");
        return app;
    }

    private static IResult Resolve(HttpContext http, EmulatedHub hub, RepoType type, string id, string revision, string path)
    {
        var repos = hub.Repos(type);
        var prefix = type == RepoType.Dataset ? "/datasets/" : "/";
        if (repos.RenamedTo(id) is { } renamed)
        {
            // Relative, as the Hub answers: the Python client follows relative redirects itself (a renamed repo), never absolute ones (a CDN).
            http.Response.Headers.Location = $"{prefix}{renamed}/resolve/{Uri.EscapeDataString(revision)}/{path}";
            return Results.Text("Temporary Redirect.", "text/plain; charset=utf-8", statusCode: 307);
        }
        var index = repos.IndexOf(id);
        if (index < 0)
        {
            return Error(http, 404, "RepoNotFound", "Repository not found");
        }
        var commit = Commit(repos, index);
        if (!RepoRevision.Matches(revision, commit))
        {
            return Error(http, 404, "RevisionNotFound", $"Invalid rev id: {revision}");
        }
        http.Response.Headers["X-Repo-Commit"] = commit;
        if (path != "README.md" || repos.Card(repos.Id(index)) is not { } card)
        {
            return Error(http, 404, "EntryNotFound", "Entry not found");
        }
        var bytes = Encoding.UTF8.GetBytes(card);
        var etag = new EntityTagHeaderValue($"\"{GitBlobId(bytes)}\"");
        http.Response.Headers.ContentDisposition = "inline; filename*=UTF-8''README.md; filename=\"README.md\";";
        if (HttpMethods.IsHead(http.Request.Method))
        {
            // What a GET would say, without the body: hf_hub_download's metadata call.
            http.Response.Headers.ETag = etag.ToString();
            http.Response.Headers.AcceptRanges = "bytes";
            http.Response.ContentType = "text/plain; charset=utf-8";
            http.Response.ContentLength = bytes.Length;
            return Results.Empty;
        }
        return Results.Bytes(bytes, "text/plain; charset=utf-8", entityTag: etag, enableRangeProcessing: true);
    }

    /// <summary>
    /// The repo's commit: its <c>sha</c>, or for a replayed repo listed without one (the sample's datasets) a stable id made from it.
    /// </summary>
    internal static string Commit(RepoCollection repos, int index) =>
        (string?)repos.Json(index)["sha"] is { Length: > 0 } sha
            ? sha
            : Convert.ToHexStringLower(SHA1.HashData(
                Encoding.UTF8.GetBytes($"{repos.Type}:{repos.Id(index)}:{(string?)repos.Json(index)["lastModified"]}")));

    /// <summary>git's id of a blob (SHA-1 of <c>"blob {size}\0"</c> and the bytes): the ETag the Hub gives a file not in LFS.</summary>
    public static string GitBlobId(byte[] content)
    {
        var header = Encoding.ASCII.GetBytes($"blob {content.Length}\0");
        return Convert.ToHexStringLower(SHA1.HashData([.. header, .. content]));
    }

    private static IResult Error(HttpContext http, int status, string code, string message)
    {
        http.Response.Headers["X-Error-Code"] = code;
        http.Response.Headers["X-Error-Message"] = message;
        return RepoApi.HubError(status, message);
    }
}

/// <summary>Which revisions name a repo's one commit: its branch <c>main</c>, <c>HEAD</c> (the JS client's default) and the commit itself.</summary>
public static class RepoRevision
{
    public static bool Matches(string revision, string commit) =>
        revision is "main" or "HEAD" || string.Equals(revision, commit, StringComparison.OrdinalIgnoreCase);
}
