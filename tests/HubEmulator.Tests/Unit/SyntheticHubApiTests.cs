using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HubPlatform.Tests.Support;

namespace HubPlatform.Tests.HubEmulator.Unit;

/// <summary>A generated hub through the Hub API: listings of the three repo types, cards, overviews.</summary>
public class SyntheticHubApiTests(SyntheticEmulatorFactory emulator) : IClassFixture<SyntheticEmulatorFactory>
{
    private readonly HttpClient _http = emulator.CreateClient(new() { AllowAutoRedirect = false });

    [Theory]
    [InlineData("models", 1_800)]
    [InlineData("datasets", 450)]
    [InlineData("spaces", 900)]
    public async Task Following_Link_headers_lists_every_repo_of_a_type_once(string type, int atLeast)
    {
        var ids = await ListAll($"/api/{type}?limit=300&sort=likes&direction=-1");
        Assert.True(ids.Count >= atLeast, $"{ids.Count} {type}");
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public async Task Filters_on_dataset_tags_return_only_matching_datasets()
    {
        var page = await _http.GetFromJsonAsync<JsonElement>("/api/datasets?filter=task_categories:question-answering&filter=license:mit&limit=1000");
        Assert.True(page.GetArrayLength() > 0);
        foreach (var dataset in page.EnumerateArray())
        {
            var tags = dataset.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).ToArray();
            Assert.Contains("task_categories:question-answering", tags);
            Assert.Contains("license:mit", tags);
        }
    }

    [Fact]
    public async Task Derivatives_of_a_base_model_are_found_by_the_typed_tag_and_expand_to_their_base_models()
    {
        var top = (await _http.GetFromJsonAsync<JsonElement>("/api/models?limit=1000")).EnumerateArray()
            .SelectMany(m => m.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!))
            .First(t => t.StartsWith("base_model:finetune:", StringComparison.Ordinal))["base_model:finetune:".Length..];
        var children = await _http.GetFromJsonAsync<JsonElement>($"/api/models?filter=base_model:finetune:{top}&expand[]=baseModels&limit=50");
        Assert.True(children.GetArrayLength() > 0);
        foreach (var child in children.EnumerateArray())
        {
            var baseModels = child.GetProperty("baseModels");
            Assert.Equal("finetune", baseModels.GetProperty("relation").GetString());
            Assert.Contains(top, baseModels.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
        }
    }

    [Fact]
    public async Task Model_and_dataset_cards_have_front_matter_matching_the_repo()
    {
        var model = (await _http.GetFromJsonAsync<JsonElement>("/api/models?sort=downloads&direction=-1&limit=1000&cardData=true")).EnumerateArray()
            .First(m => m.GetProperty("cardData").TryGetProperty("base_model", out var b) && b.ValueKind == JsonValueKind.String);
        var card = await _http.GetStringAsync($"/{model.GetProperty("id").GetString()}/raw/main/README.md");
        Assert.StartsWith("---\n", card);
        Assert.Contains($"base_model: {model.GetProperty("cardData").GetProperty("base_model").GetString()}", card);

        var dataset = (await _http.GetFromJsonAsync<JsonElement>("/api/datasets?limit=1"))[0].GetProperty("id").GetString();
        var datasetCard = await _http.GetStringAsync($"/datasets/{dataset}/raw/main/README.md");
        Assert.Contains("task_categories:\n- ", datasetCard);
    }

    [Fact]
    public async Task Organizations_and_users_have_overviews_with_their_repo_counts()
    {
        var org = await _http.GetFromJsonAsync<JsonElement>("/api/organizations/meta-llama/overview");
        Assert.Equal("org", org.GetProperty("type").GetString());
        var metaModels = await ListAll("/api/models?author=meta-llama");
        Assert.Equal(metaModels.Count, org.GetProperty("numModels").GetInt32());
        Assert.True(metaModels.Count > 0);
        Assert.All(metaModels, id => Assert.StartsWith("meta-llama/", id));

        using var notAUser = await _http.GetAsync("/api/users/meta-llama/overview");
        Assert.Equal(HttpStatusCode.NotFound, notAUser.StatusCode);

        var models = await _http.GetFromJsonAsync<JsonElement>("/api/models?limit=1000&expand[]=author");
        var individual = models.EnumerateArray().Select(m => m.GetProperty("author").GetString()!).First(a => char.IsAsciiDigit(a[^1]));
        var user = await _http.GetFromJsonAsync<JsonElement>($"/api/users/{individual}/overview");
        Assert.Equal(individual, user.GetProperty("user").GetString());
        Assert.True(user.GetProperty("numModels").GetInt32() > 0);
    }

    private async Task<List<string>> ListAll(string url)
    {
        var ids = new List<string>();
        string? next = url;
        while (next is not null)
        {
            using var response = await _http.GetAsync(next);
            response.EnsureSuccessStatusCode();
            var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            ids.AddRange(page.EnumerateArray().Select(r => r.GetProperty("id").GetString()!));
            next = response.Headers.TryGetValues("Link", out var link) ? link.Single().Split(';')[0].Trim('<', '>') : null;
        }
        return ids;
    }
}
