using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using HubPlatform.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;

namespace HubPlatform.Tests.HubEmulator.Unit;

/// <summary>
/// <c>/resolve/</c> and <c>/api/{type}/{id}/revision/{revision}</c> as the Hub answers them: the
/// card's bytes, its commit, its git blob id as ETag, byte ranges, and the Hub's error codes.
/// </summary>
public class RepoFileApiTests(EmulatorFactory emulator) : IClassFixture<EmulatorFactory>
{
    private static readonly JsonElement Phi2 = SampleData.SampleModels.Single(m => m.GetProperty("id").GetString() == "microsoft/phi-2");
    private static readonly string Phi2Sha = Phi2.GetProperty("sha").GetString()!;

    [Fact]
    public async Task A_readme_resolves_with_its_commit_its_blob_id_and_its_length_and_head_says_the_same_without_a_body()
    {
        var http = emulator.CreateClient();
        var raw = await http.GetByteArrayAsync("/microsoft/phi-2/raw/main/README.md");

        using var get = await http.GetAsync("/microsoft/phi-2/resolve/main/README.md");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        var body = await get.Content.ReadAsByteArrayAsync();
        Assert.Equal(raw, body);
        Assert.Equal(Phi2Sha, get.Headers.GetValues("X-Repo-Commit").Single());
        // git hash-object of the bytes, computed here independently of the emulator.
        var blob = Convert.ToHexStringLower(SHA1.HashData([.. Encoding.ASCII.GetBytes($"blob {raw.Length}\0"), .. raw]));
        Assert.Equal($"\"{blob}\"", get.Headers.ETag!.ToString());
        Assert.Equal(raw.Length, get.Content.Headers.ContentLength);
        Assert.False(get.Headers.Contains("X-Linked-Etag"), "a README is not in LFS");

        using var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/microsoft/phi-2/resolve/main/README.md"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(Phi2Sha, head.Headers.GetValues("X-Repo-Commit").Single());
        Assert.Equal(get.Headers.ETag, head.Headers.ETag);
        Assert.Equal(raw.Length, head.Content.Headers.ContentLength);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());

        // The commit itself is a revision too.
        using var byCommit = await http.GetAsync($"/microsoft/phi-2/resolve/{Phi2Sha}/README.md");
        Assert.Equal(raw, await byCommit.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_range_answers_206_with_the_total_size()
    {
        var http = emulator.CreateClient();
        var length = (await http.GetByteArrayAsync("/microsoft/phi-2/raw/main/README.md")).Length;
        using var request = new HttpRequestMessage(HttpMethod.Get, "/microsoft/phi-2/resolve/main/README.md") { Headers = { Range = new(0, 0) } };
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal($"bytes 0-0/{length}", response.Content.Headers.ContentRange!.ToString());
        Assert.Single(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Missing_files_revisions_and_repos_answer_the_hubs_error_codes()
    {
        var http = emulator.CreateClient();
        async Task<(HttpStatusCode, string?, string?)> Ask(string path)
        {
            using var response = await http.GetAsync(path);
            return (response.StatusCode, response.Headers.TryGetValues("X-Error-Code", out var code) ? code.Single() : null,
                response.Headers.TryGetValues("X-Repo-Commit", out var commit) ? commit.Single() : null);
        }
        Assert.Equal((HttpStatusCode.NotFound, "EntryNotFound", Phi2Sha), await Ask("/microsoft/phi-2/resolve/main/config.json"));
        Assert.Equal((HttpStatusCode.NotFound, "RevisionNotFound", null), await Ask("/microsoft/phi-2/resolve/no-such-branch/README.md"));
        Assert.Equal((HttpStatusCode.NotFound, "RepoNotFound", null), await Ask("/nobody/nothing/resolve/main/README.md"));
        // The sample's datasets have no card: a 404 that names the entry, with the commit the revision resolved to.
        var dataset = SampleData.SampleDatasets[0].GetProperty("id").GetString()!;
        var (status, code, commit) = await Ask($"/datasets/{dataset}/resolve/main/README.md");
        Assert.Equal((HttpStatusCode.NotFound, "EntryNotFound"), (status, code));
        Assert.Matches("^[0-9a-f]{40}$", commit);
    }

    [Fact]
    public async Task A_renamed_repo_redirects_relatively_to_its_new_id()
    {
        using var renamed = emulator.WithWebHostBuilder(b => b.UseSetting("Emulator:Renames:phi-2-old", "microsoft/phi-2"));
        var http = renamed.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var file = await http.GetAsync("/phi-2-old/resolve/main/README.md");
        Assert.Equal(HttpStatusCode.TemporaryRedirect, file.StatusCode);
        Assert.Equal("/microsoft/phi-2/resolve/main/README.md", file.Headers.Location!.OriginalString);
        using var info = await http.GetAsync("/api/models/phi-2-old/revision/main");
        Assert.Equal("/api/models/microsoft/phi-2/revision/main", info.Headers.Location!.OriginalString);
    }

    [Theory]
    [InlineData("main")]
    [InlineData("HEAD")]
    public async Task A_repo_at_a_revision_is_the_repo(string revision)
    {
        var http = emulator.CreateClient();
        var info = JsonDocument.Parse(await http.GetStringAsync($"/api/models/microsoft/phi-2/revision/{revision}?expand=sha&expand=downloads"))
            .RootElement;
        Assert.Equal(("microsoft/phi-2", Phi2Sha, Phi2.GetProperty("downloads").GetInt64()),
            (info.GetProperty("id").GetString(), info.GetProperty("sha").GetString(), info.GetProperty("downloads").GetInt64()));
        using var unknown = await http.GetAsync("/api/models/microsoft/phi-2/revision/v9");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("RevisionNotFound", unknown.Headers.GetValues("X-Error-Code").Single());
        var dataset = SampleData.SampleDatasets[0].GetProperty("id").GetString()!;
        var datasetInfo = JsonDocument.Parse(await http.GetStringAsync($"/api/datasets/{dataset}/revision/main")).RootElement;
        Assert.Equal(dataset, datasetInfo.GetProperty("id").GetString());
    }
}
