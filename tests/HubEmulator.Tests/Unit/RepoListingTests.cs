using System.Net;
using System.Text.Json;
using HubPlatform.Tests.Support;

namespace HubPlatform.Tests.HubEmulator.Unit;

public class RepoListingTests(EmulatorFactory emulator) : IClassFixture<EmulatorFactory>
{
    private readonly HttpClient _http = emulator.CreateClient(new() { AllowAutoRedirect = false });

    [Fact]
    public async Task Following_Link_headers_lists_every_sample_model_once()
    {
        var seen = new List<string>();
        var pages = 0;
        string? url = "/api/models?limit=100";
        while (url is not null)
        {
            using var response = await _http.GetAsync(url);
            response.EnsureSuccessStatusCode();
            var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            seen.AddRange(page.EnumerateArray().Select(m => m.GetProperty("id").GetString()!));
            pages++;
            url = response.Headers.TryGetValues("Link", out var link) ? link.Single().Split(';')[0].Trim('<', '>') : null;
        }
        Assert.Equal(SampleData.SampleModels.Count, seen.Count);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal((SampleData.SampleModels.Count + 99) / 100, pages);
    }

    [Fact]
    public async Task Filtering_by_a_typed_base_model_tag_counts_like_the_raw_data()
    {
        const string tag = "base_model:finetune:microsoft/phi-2";
        var expected = SampleData.SampleModels.Count(m => m.GetProperty("tags").EnumerateArray().Any(t => t.GetString() == tag));
        var page = await GetJson($"/api/models?filter={Uri.EscapeDataString(tag)}&limit=1000");
        Assert.Equal(expected, page.GetArrayLength());
        Assert.True(expected > 100);
    }

    [Fact]
    public async Task Expand_returns_only_the_asked_fields()
    {
        var page = await GetJson("/api/models?limit=3&expand[]=downloads&expand[]=pipeline_tag");
        foreach (var model in page.EnumerateArray())
        {
            Assert.Equal(["_id", "downloads", "id", "pipeline_tag"], model.EnumerateObject().Select(p => p.Name).Order());
        }
    }

    [Fact]
    public async Task Sorting_by_downloads_descending_pages_in_order()
    {
        var first = await _http.GetAsync("/api/models?sort=downloads&direction=-1&limit=50");
        var next = first.Headers.GetValues("Link").Single().Split(';')[0].Trim('<', '>');
        var downloads = (await Parse(first)).EnumerateArray().Concat((await GetJson(next)).EnumerateArray())
            .Select(m => m.GetProperty("downloads").GetInt64()).ToList();
        Assert.Equal(downloads.OrderDescending(), downloads);
        Assert.Equal(SampleData.SampleModels.Max(m => m.GetProperty("downloads").GetInt64()), downloads[0]);
    }

    [Fact]
    public async Task A_single_model_a_rename_and_an_unknown_repo_answer_like_the_hub()
    {
        var phi = await GetJson("/api/models/microsoft/phi-2");
        Assert.Equal("microsoft/phi-2", phi.GetProperty("id").GetString());

        using var renamed = await _http.GetAsync("/api/models/bert-base-uncased");
        Assert.Equal(HttpStatusCode.TemporaryRedirect, renamed.StatusCode);
        Assert.Equal("/api/models/google-bert/bert-base-uncased", renamed.Headers.Location!.OriginalString);

        using var missing = await _http.GetAsync("/api/models/nobody/nothing");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Expanding_base_models_names_the_relation_and_the_parents()
    {
        var raw = SampleData.SampleModels.First(m => m.GetProperty("tags").EnumerateArray()
            .Any(t => t.GetString()!.StartsWith("base_model:finetune:", StringComparison.Ordinal)));
        var id = raw.GetProperty("id").GetString()!;
        var parent = raw.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!)
            .First(t => t.StartsWith("base_model:finetune:", StringComparison.Ordinal))["base_model:finetune:".Length..];

        var model = await GetJson($"/api/models/{id}?expand[]=baseModels");

        Assert.Equal(["_id", "baseModels", "id"], model.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal("finetune", model.GetProperty("baseModels").GetProperty("relation").GetString());
        Assert.Contains(parent, model.GetProperty("baseModels").GetProperty("models").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
    }

    [Theory]
    [InlineData("/api/datasets")]
    [InlineData("/api/spaces")]
    public async Task Datasets_and_spaces_list_like_models_even_when_the_snapshot_has_none(string url)
    {
        var page = await GetJson(url);
        Assert.Equal(JsonValueKind.Array, page.ValueKind);
        using var missing = await _http.GetAsync($"{url}/nobody/nothing");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("Repository not found", (await Parse(missing)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Cards_are_served_raw()
    {
        var card = await _http.GetStringAsync("/microsoft/phi-2/raw/main/README.md");
        Assert.StartsWith("---", card);
    }

    [Theory]
    [InlineData("/api/models?cursor=not-a-cursor")]
    [InlineData("/api/models?limit=-5")]
    [InlineData("/api/models?sort=bogus")]
    public async Task Bad_parameters_get_400(string url)
    {
        using var response = await _http.GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private async Task<JsonElement> GetJson(string url)
    {
        using var response = await _http.GetAsync(url);
        response.EnsureSuccessStatusCode();
        return await Parse(response);
    }

    private static async Task<JsonElement> Parse(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
}
