using System.Globalization;
using System.Net;
using System.Text.Json;
using HubPlatform.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;

namespace HubPlatform.Tests.HubEmulator.Unit.Clients;

/// <summary>
/// Python's <c>huggingface_hub</c> cannot be installed here (no PyPI), so this sends the requests
/// its <c>model_info</c> and <c>hf_hub_download</c> send, as read in its source
/// (src/huggingface_hub/hf_api.py and file_download.py, commit ee0a4510f4bc of Aug 2026), and checks
/// what they read from the answers and the conditions under which they raise:
/// <list type="bullet">
/// <item><c>model_info</c>: <c>GET {endpoint}/api/models/{repo_id}/revision/{quote(revision, safe="")}</c>
/// (no revision: <c>/api/models/{repo_id}</c>), then <c>ModelInfo(**json)</c>, which needs <c>id</c>.</item>
/// <item><c>hf_hub_download</c>: <c>get_hf_file_metadata</c> sends <c>HEAD {endpoint}/{repo_id}/resolve/{revision}/{filename}</c>
/// (datasets: <c>/datasets/{repo_id}/...</c>) with <c>Accept-Encoding: identity</c>, not following redirects
/// itself but following relative ones by hand (a renamed repo), and raises <c>FileMetadataError</c> without
/// <c>X-Repo-Commit</c>, an ETag (<c>X-Linked-Etag</c> first, else <c>ETag</c>, quotes and <c>W/</c> stripped) or a
/// size (<c>X-Linked-Size</c>, else <c>Content-Length</c>). The file is then fetched with <c>GET</c> from the
/// location the HEAD ended at (redirects followed), and <c>http_get</c> fails on a body whose size is not the HEAD's.</item>
/// <item>Errors: <c>hf_raise_for_status</c> maps <c>X-Error-Code</c> (<c>EntryNotFound</c>, <c>RevisionNotFound</c>,
/// <c>RepoNotFound</c>) to its exceptions; on <c>EntryNotFound</c> it caches "no such file" under <c>X-Repo-Commit</c>.</item>
/// </list>
/// </summary>
public class PythonClientRequestsTests(EmulatorFactory emulator) : IClassFixture<EmulatorFactory>
{
    // As build_hf_headers writes it; the emulator must not depend on it.
    private const string UserAgent = "unknown/None; hf_hub/1.0.0; python/3.12.3";

    [Theory]
    [InlineData(null)]
    [InlineData("main")]
    public async Task Model_info_gets_the_repo_with_its_id_and_sha(string? revision)
    {
        var http = Client(emulator);
        var path = revision is null ? "/api/models/microsoft/phi-2" : $"/api/models/microsoft/phi-2/revision/{Uri.EscapeDataString(revision)}";
        using var request = Request(HttpMethod.Get, path);
        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var info = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var expected = SampleData.SampleModels.Single(m => m.GetProperty("id").GetString() == "microsoft/phi-2");
        Assert.Equal("microsoft/phi-2", info.GetProperty("id").GetString());
        Assert.Equal(expected.GetProperty("sha").GetString(), info.GetProperty("sha").GetString());
        Assert.Equal(expected.GetProperty("siblings").GetArrayLength(), info.GetProperty("siblings").GetArrayLength());
    }

    [Theory]
    [InlineData("microsoft/phi-2", "microsoft/phi-2")]
    [InlineData("phi-2-old", "microsoft/phi-2")] // renamed: one relative 307, followed as the client follows it
    public async Task Hf_hub_download_gets_commit_etag_and_size_from_head_then_a_body_of_that_size(string asked, string canonical)
    {
        using var renamed = emulator.WithWebHostBuilder(b => b.UseSetting("Emulator:Renames:phi-2-old", "microsoft/phi-2"));
        var http = Client(renamed);

        // get_hf_file_metadata: HEAD, Accept-Encoding: identity, relative redirects followed by hand.
        var url = new Uri(http.BaseAddress!, $"/{asked}/resolve/main/README.md");
        HttpResponseMessage head;
        var hops = 0;
        while (true)
        {
            using var request = Request(HttpMethod.Head, url.PathAndQuery);
            request.Headers.AcceptEncoding.ParseAdd("identity");
            head = await http.SendAsync(request);
            if ((int)head.StatusCode is >= 300 and <= 399)
            {
                var location = head.Headers.Location!;
                Assert.False(location.IsAbsoluteUri, "a renamed repo's redirect is relative (the client would not follow an absolute one)");
                url = new Uri(url, location);
                hops++;
                head.Dispose();
                continue;
            }
            break;
        }
        using (head)
        {
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Equal(asked == canonical ? 0 : 1, hops);
            var commit = head.Headers.TryGetValues("X-Repo-Commit", out var commits) ? commits.Single() : null;
            var etag = (head.Headers.TryGetValues("X-Linked-Etag", out var linked) ? linked.Single() : head.Headers.ETag?.ToString())?.Replace("W/",
                "").Trim('"');
            var size = head.Headers.TryGetValues("X-Linked-Size", out var linkedSize) ? long.Parse(linkedSize.Single(), CultureInfo.InvariantCulture)
                : head.Content.Headers.ContentLength;
            var sample = SampleData.SampleModels.Single(m => m.GetProperty("id").GetString() == canonical);
            Assert.Equal(sample.GetProperty("sha").GetString(), commit);
            Assert.Matches("^[0-9a-f]{40}$", etag);
            Assert.NotNull(size);
            Assert.Null(head.Content.Headers.ContentEncoding.FirstOrDefault());

            // http_get: GET the location the HEAD ended at; the body must be the announced size.
            using var get = Request(HttpMethod.Get, url.PathAndQuery);
            using var file = await http.SendAsync(get);
            Assert.Equal(HttpStatusCode.OK, file.StatusCode);
            var body = await file.Content.ReadAsByteArrayAsync();
            Assert.Equal(size, body.Length);
            Assert.Equal(etag, file.Headers.ETag!.Tag.Trim('"'));
            Assert.Equal(await renamed.CreateClient().GetByteArrayAsync($"/{canonical}/raw/main/README.md"), body);
        }
    }

    [Fact]
    public async Task Hf_hub_download_of_a_missing_file_gets_entry_not_found_with_the_commit_to_cache_it_under()
    {
        var http = Client(emulator);
        using var request = Request(HttpMethod.Head, "/microsoft/phi-2/resolve/main/no-such-file.bin");
        request.Headers.AcceptEncoding.ParseAdd("identity");
        using var head = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
        Assert.Equal("EntryNotFound", head.Headers.GetValues("X-Error-Code").Single());
        Assert.Matches("^[0-9a-f]{40}$", head.Headers.GetValues("X-Repo-Commit").Single());
    }

    private static HttpClient Client(WebApplicationFactory<HubPlatform.HubEmulator.Hub.RepoStore> factory) =>
        factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private static HttpRequestMessage Request(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        request.Headers.Authorization = new("Bearer", "hf_python_client_test");
        return request;
    }
}
