using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using HubPlatform.Tests.Support;

namespace HubPlatform.Tests.EndToEnd.Platform;

/// <summary>
/// The thin slice through every part: emulator → crawler → RabbitMQ → metrics, lineage and
/// search → gateway, checked against numbers computed here from the raw sample.
/// </summary>
[Collection(EndToEndCollection.Name)]
public class PlatformTests(PlatformFixture platform)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan SettlePatience = TimeSpan.FromMinutes(5);
    private static readonly IReadOnlyDictionary<string, HashSet<string>> Parents = IndependentLineage.ParentsByModel(SampleData.SampleModels);

    [Fact]
    public async Task A_crawl_of_the_sample_reads_back_through_the_gateway_from_all_three_services()
    {
        var crawl = await Eventually.GetAsync(
            () => platform.Gateway.GetFromJsonAsync<JsonElement[]>("/api/v1/crawls"),
            crawls => crawls.Any(CompletedFull), Patience, "the startup crawl to complete");
        // Full snapshots only: an hourly incremental crawl (on the clock's hour) sees just what changed.
        Assert.Equal(SampleData.SampleModels.Count, crawl.First(CompletedFull).GetProperty("models").GetInt64());

        var raw = SampleData.SampleModels.Single(m => m.GetProperty("id").GetString() == "microsoft/phi-2");
        var model = await Until("/api/v1/models/microsoft/phi-2", _ => true, "metrics to know microsoft/phi-2");
        Assert.Equal(raw.GetProperty("downloads").GetInt64(), model.GetProperty("downloads").GetInt64());
        Assert.Equal(raw.GetProperty("likes").GetInt64(), model.GetProperty("likes").GetInt64());
        Assert.Equal(raw.GetProperty("safetensors").GetProperty("total").GetInt64(), model.GetProperty("parameterCount").GetInt64());

        var expectedDescendants = IndependentLineage.Descendants(Parents, "microsoft/phi-2");
        var tree = await Until("/api/v1/lineage/microsoft/phi-2",
            t => t.GetProperty("descendants").GetProperty("total").GetInt64() == expectedDescendants,
            "lineage to hold the whole phi-2 family");
        Assert.Equal(IndependentLineage.DirectChildren(Parents, "microsoft/phi-2"), tree.GetProperty("children").GetProperty("total").GetInt64());

        var search = await Until("/api/v1/search?q=phi-2%20role%20play&k=20",
            s => s.GetProperty("hits").GetArrayLength() > 0, "search to find role-play models");
        Assert.Contains(search.GetProperty("hits").EnumerateArray(), h => h.GetProperty("id").GetString() == "AI8191/phi-2-role-play");
    }

    /// <summary>
    /// Every model with a README has its card fetched and embedded: the crawler's card backlog empties, search
    /// embeds what it sent, and search's status counts at least 95% of the models' cards as embedded. The models
    /// with a README are counted here from the sample: with the real cards (../shared/data) those the cards file
    /// has a README for; with generated cards (no ../shared/data, or HUB_E2E_CARDS=generated) every model, since
    /// the emulator then makes each model's card from its metadata.
    /// </summary>
    [Fact]
    public async Task Every_model_with_a_README_has_its_card_fetched_and_embedded()
    {
        var models = SampleData.SampleModels.Count;
        var ids = SampleData.SampleModels.Select(m => m.GetProperty("id").GetString()!).ToHashSet(StringComparer.Ordinal);
        var withReadme = PlatformFixture.RealCards
            ? File.ReadLines(SharedData.Cards).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement)
                .Count(c => ids.Contains(c.GetProperty("id").GetString()!) && c.GetProperty("readme").ValueKind == JsonValueKind.String)
            : models;

        var cards = await Until("/api/v1/crawls/cards", c => c.GetProperty("repos").GetInt64() == models + SampleData.SampleDatasets.Count
            && c.GetProperty("backlog").GetInt64() == 0,
            "the card backlog to empty");
        // The sample's datasets have no card in the emulator: every README the crawler read is a model's.
        Assert.Equal(withReadme, cards.GetProperty("withReadme").GetInt64());

        // The last card pages may still be on their way when the backlog is empty: search has settled once its
        // card count holds still between two readings with nothing left to embed.
        JsonElement status;
        long? cardsBefore = null;
        var deadline = DateTime.UtcNow + SettlePatience;
        while (true)
        {
            status = await Until("/api/v1/search/status", s => s.GetProperty("embeddingBacklog").GetInt64() == 0
                && s.GetProperty("cardCoverage").GetProperty("modelCardsEmbedded").GetInt64() == s.GetProperty("cardCoverage")
                    .GetProperty("modelsWithCard").GetInt64(),
                "search to embed every card it holds");
            var cardsNow = status.GetProperty("cards").GetInt64();
            if (cardsNow == cardsBefore)
            {
                break;
            }
            Assert.True(DateTime.UtcNow < deadline, $"search's card count still moving after {SettlePatience}: {status}");
            cardsBefore = cardsNow;
            await Task.Delay(TimeSpan.FromSeconds(5));
        }

        var coverage = status.GetProperty("cardCoverage");
        Assert.Equal(models, status.GetProperty("models").GetInt64());
        var embedded = coverage.GetProperty("modelCardsEmbedded").GetInt64();
        Assert.True(embedded >= 0.95 * withReadme, $"{embedded} model cards embedded of {withReadme} models with a README: {coverage}");
        Assert.True(coverage.GetProperty("modelEmbeddedShare").GetDouble() >= 0.95, $"embedded cards cover less than 95% of the models: {coverage}");
        Assert.Equal(0, status.GetProperty("embeddingEtaHours").GetDouble());
    }

    [Fact]
    public async Task Admin_routes_need_the_key_and_bad_input_gets_problem_details()
    {
        using var noKey = await platform.Gateway.PostAsJsonAsync("/api/v1/crawls", new { kind = "Full" });
        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        Assert.Equal("application/problem+json", noKey.Content.Headers.ContentType?.MediaType);

        using var wrongKey = new HttpRequestMessage(HttpMethod.Post, "/api/v1/crawls") { Content = JsonContent.Create(new { kind = "Full" }) };
        wrongKey.Headers.Add("X-Api-Key", "not-the-key");
        Assert.Equal(HttpStatusCode.Forbidden, (await platform.Gateway.SendAsync(wrongKey)).StatusCode);

        foreach (var url in new[] { "/api/v1/models/%3Cscript%3E", "/api/v1/search?q=", "/api/v1/search?q=x&k=100000", "/api/v1/lineage/a/b/c/d" })
        {
            using var response = await platform.Gateway.GetAsync(url);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task A_service_killed_during_a_crawl_catches_up_after_restart_and_loses_nothing()
    {
        await Eventually.GetAsync(() => platform.Gateway.GetFromJsonAsync<JsonElement[]>("/api/v1/crawls"),
            crawls => crawls.Length > 0 && crawls.All(c => c.GetProperty("status").GetString() == "Completed"), Patience, "the first crawl");

        // Cache the current answer in the gateway: only the platform's events can replace it now.
        await Until("/api/v1/models/microsoft/phi-2", _ => true, "phi-2 in metrics");
        using (var cached = await platform.Gateway.GetAsync("/api/v1/models/microsoft/phi-2"))
        {
            Assert.NotNull(cached.Headers.Age);
        }

        await platform.KillAsync("metrics", "services/Metrics");
        string? snapshotId;
        try
        {
            using var start = new HttpRequestMessage(HttpMethod.Post, "/api/v1/crawls") { Content = JsonContent.Create(new { kind = "Full" }) };
            start.Headers.Add("X-Api-Key", PlatformFixture.AdminKey);
            using var accepted = await platform.Gateway.SendAsync(start);
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
            snapshotId = (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("snapshotId").GetString();

            await Until($"/api/v1/crawls/{snapshotId}", c => c.GetProperty("status").GetString() == "Completed", "the second crawl");
            // While metrics is dead the gateway still answers what it has cached...
            using (var cached = await platform.Gateway.GetAsync("/api/v1/models/microsoft/phi-2"))
            {
                Assert.Equal(HttpStatusCode.OK, cached.StatusCode);
            }
            // ...and what it has not with a problem: 503 for a refused connection, 504 for a silent one, never a hang.
            using (var down = await platform.Gateway.GetAsync($"/api/v1/models/microsoft/phi-2?uncached={Guid.NewGuid()}"))
            {
                Assert.Contains(down.StatusCode, new[] { HttpStatusCode.ServiceUnavailable, HttpStatusCode.GatewayTimeout });
                Assert.Equal("application/problem+json", down.Content.Headers.ContentType?.MediaType);
            }
        }
        finally
        {
            await platform.CommandAsync("metrics", KnownResourceCommands.StartCommand);
        }

        // Every page published while metrics was dead waited in its queue: the whole sample arrives, once.
        var snapshot = await Until($"/api/v1/snapshots/{snapshotId}",
            x => x.GetProperty("ingestedModels").GetInt64() == SampleData.SampleModels.Count
                && x.GetProperty("completedAt").ValueKind != JsonValueKind.Null,
            "metrics to ingest the snapshot taken while it was down");
        Assert.Equal(SampleData.SampleModels.Count, snapshot.GetProperty("models").GetInt64());
        // SnapshotIngested from metrics evicts the gateway's cached answer.
        var phi = await Until("/api/v1/models/microsoft/phi-2", m => m.GetProperty("snapshotId").GetString() == snapshotId,
            "phi-2 in the new snapshot");
        Assert.Equal(SampleData.SampleModels.Single(m => m.GetProperty("id").GetString() == "microsoft/phi-2").GetProperty("downloads").GetInt64(),
            phi.GetProperty("downloads").GetInt64());
    }

    [Fact]
    public async Task The_gateway_serves_one_OpenAPI_document_and_answers_repeats_from_its_cache()
    {
        await Until("/api/v1/lineage/microsoft/phi-2", _ => true, "lineage to know phi-2");
        var document = await platform.Gateway.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        foreach (var prefix in new[] { "/api/v1/models/", "/api/v1/lineage/", "/api/v1/search", "/api/v1/crawls", "/api/v1/snapshots" })
        {
            Assert.Contains(paths, p => p.StartsWith(prefix, StringComparison.Ordinal));
        }

        using var first = await platform.Gateway.GetAsync("/api/v1/lineage/microsoft/phi-2?cache-probe=1");
        using var second = await platform.Gateway.GetAsync("/api/v1/lineage/microsoft/phi-2?cache-probe=1");
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.NotNull(second.Headers.Age);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
    }

    private static bool CompletedFull(JsonElement crawl) =>
        crawl.GetProperty("status").GetString() == "Completed" && crawl.GetProperty("kind").GetString() == "Full";

    private Task<JsonElement> Until(string url, Func<JsonElement, bool> done, string what) => platform.UntilAsync(url, done, what, Patience);
}

[CollectionDefinition(Name)]
public sealed class EndToEndCollection : ICollectionFixture<PlatformFixture>
{
    public const string Name = "Platform end to end";
}
