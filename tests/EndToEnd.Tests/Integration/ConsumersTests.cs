using System.Net.Http.Json;
using System.Text.Json;
using HubPlatform.Contracts;
using HubPlatform.Tests.Support;
using Npgsql;

namespace HubPlatform.Tests.EndToEnd.Integration;

/// <summary>Metrics, lineage and search consuming real events on real servers.</summary>
[Collection(ServersCollection.Name)]
public class ConsumersTests(ConsumersFixture platform) : IClassFixture<ConsumersFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);
    private static readonly IReadOnlyDictionary<string, HashSet<string>> Parents = IndependentLineage.ParentsByModel(SampleData.SampleModels);

    [Fact]
    public async Task The_sample_is_stored_by_all_three_services_and_a_replay_changes_nothing()
    {
        var snapshot = await platform.PublishSnapshotAsync(ConsumersFixture.SamplePages, DateTimeOffset.UtcNow);
        var metrics = platform.Metrics.CreateClient();
        await Eventually.GetAsync(() => Json(metrics, $"/api/snapshots/{snapshot}"),
            s => s!.Value.GetProperty("ingestedModels").GetInt64() == SampleData.SampleModels.Count, Patience, "metrics to ingest the sample");
        var lineage = platform.Lineage.CreateClient();
        var tree = await Eventually.GetAsync(() => Json(lineage, "/api/lineage/google/gemma-7b"),
            t => t!.Value.GetProperty("descendants").GetProperty("total").GetInt64() == IndependentLineage.Descendants(Parents, "google/gemma-7b"),
            Patience, "lineage to hold the gemma-7b family");
        Assert.Equal(IndependentLineage.DirectChildren(Parents, "google/gemma-7b"),
            tree!.Value.GetProperty("children").GetProperty("total").GetInt64());
        await Eventually.GetAsync(() => platform.Database.CountAsync("search.documents WHERE id NOT LIKE 'cache-test/%'"),
            n => n == SampleData.SampleModels.Count, Patience, "search documents");

        var before = await CountsAsync();
        Assert.Equal(SampleData.SampleModels.Count, await platform.Database.CountAsync($"metrics.model_facts WHERE snapshot_id = '{snapshot}'"));
        Assert.Equal(Parents.Sum(p => p.Value.Count), before["lineage.edges"]);

        // The same pages again, as a redelivery or a replay would bring them.
        var observedAt = DateTimeOffset.UtcNow;
        for (var i = 0; i < ConsumersFixture.SamplePages.Count; i++)
        {
            await platform.Bus.Publish(new ModelsObserved(snapshot, i + 1, observedAt, ConsumersFixture.SamplePages[i]));
        }
        await WaitForQueuesToDrainAsync("metrics-models-observed", "lineage-models-observed", "search-models-observed");
        Assert.Equal(before, await CountsAsync());

        var phi = await Json(metrics, "/api/models/microsoft/phi-2");
        Assert.Equal(SampleData.SampleModels.Single(m => m.GetProperty("id").GetString() == "microsoft/phi-2").GetProperty("downloads").GetInt64(),
            phi!.Value.GetProperty("downloads").GetInt64());
    }

    [Fact]
    public async Task The_base_model_explorer_walks_families_like_an_independent_walk_of_the_raw_data()
    {
        await platform.PublishSnapshotAsync(ConsumersFixture.SamplePages, DateTimeOffset.UtcNow);
        var lineage = platform.Lineage.CreateClient();
        string[] roots = ["meta-llama/Llama-2-7b-chat-hf", "google/gemma-7b", "microsoft/phi-2"];
        var expected = roots.ToDictionary(r => r, r => (long)IndependentLineage.Descendants(Parents, r));

        var leaderboard = await Eventually.GetAsync(() => Json(lineage, "/api/lineage/leaderboard?k=3"),
            l => l!.Value.GetArrayLength() == 3 && l.Value.EnumerateArray()
                .All(f => expected.GetValueOrDefault(f.GetProperty("baseModelId").GetString()!) == f.GetProperty("descendants").GetInt64()),
            Patience, "the family rollup");
        Assert.Equal(expected.OrderByDescending(e => e.Value).Select(e => e.Key),
            leaderboard!.Value.EnumerateArray().Select(f => f.GetProperty("baseModelId").GetString()));

        var all = await Json(lineage, "/api/lineage/descendants/microsoft/phi-2?depth=20&limit=1000&sort=downloads");
        Assert.Equal(expected["microsoft/phi-2"], all!.Value.GetProperty("total").GetInt64());
        var direct = await Json(lineage, "/api/lineage/descendants/microsoft/phi-2?depth=1&limit=10&offset=5");
        Assert.Equal(IndependentLineage.DirectChildren(Parents, "microsoft/phi-2"), direct!.Value.GetProperty("total").GetInt64());
        Assert.Equal(10, direct.Value.GetProperty("models").GetArrayLength());

        // A grandchild's ancestors reach the root at distance 2.
        var grandchild = Parents.First(p => p.Value.Any(parent => Parents.TryGetValue(parent, out var gp) && gp.Contains("microsoft/phi-2"))).Key;
        var ancestors = await Json(lineage, $"/api/lineage/ancestors/{grandchild}");
        Assert.Contains(ancestors!.Value.EnumerateArray(), a => a.GetProperty("id").GetString() == "microsoft/phi-2"
            && a.GetProperty("depth").GetInt32() == 2);

        var graph = await Json(lineage, "/api/lineage/graph/microsoft/phi-2?maxNodes=50&depth=20");
        Assert.True(graph!.Value.GetProperty("truncated").GetBoolean());
        Assert.Equal(50, graph.Value.GetProperty("nodes").GetArrayLength());
        Assert.Equal(expected["microsoft/phi-2"], graph.Value.GetProperty("totalNodes").GetInt64());

        var organizations = await Json(lineage, "/api/lineage/organizations?k=5");
        Assert.Contains(organizations!.Value.EnumerateArray(), o => o.GetProperty("author").GetString() == "meta-llama");

        using var bad = await lineage.GetAsync("/api/lineage/descendants/microsoft/phi-2?relation=cousin");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Semantic_and_hybrid_search_find_models_by_meaning()
    {
        await platform.PublishSnapshotAsync(ConsumersFixture.SamplePages, DateTimeOffset.UtcNow);
        // Every distinct text gets a vector (embedded once, stored in the search schema).
        await Eventually.GetAsync(() =>
            platform.Database.CountAsync("search.documents d WHERE NOT EXISTS (SELECT 1 FROM search.embeddings e WHERE e.text_hash = d.text_hash)"),
            n => n == 0, TimeSpan.FromMinutes(4), "every document embedded");
        Assert.Equal(await platform.Database.CountAsync("(SELECT DISTINCT text_hash FROM search.documents) t"),
            await platform.Database.CountAsync("search.embeddings"));

        var search = platform.Search.CreateClient();
        await Eventually.GetAsync(() => Json(search, "/api/search/status"),
            st => st!.Value.GetProperty("indexedVectors").GetInt64() >= st.Value.GetProperty("documents").GetInt64(), Patience,
            "the index to hold every document");
        // gsm8k is "grade school math": no model names it in words, only by dataset id.
        var gsm8k = SampleData.SampleModels.Where(m => m.GetProperty("tags").EnumerateArray().Any(t => t.GetString() == "dataset:openai/gsm8k"))
            .Select(m => m.GetProperty("id").GetString()!).ToHashSet();
        var semantic = await Eventually.GetAsync(() => Json(search, "/api/search?q=math%20word%20problems&mode=semantic&k=10"),
            r => r!.Value.GetProperty("hits").GetArrayLength() == 10, Patience, "semantic results");
        var ids = semantic!.Value.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("id").GetString()!).ToList();
        Assert.Contains(ids, gsm8k.Contains);

        // Keyword search alone cannot see it: no gsm8k model's text says "math" or "word problems".
        var keyword = await Json(search, "/api/search?q=math%20word%20problems&mode=keyword&k=10");
        Assert.DoesNotContain(keyword!.Value.GetProperty("hits").EnumerateArray(), h => gsm8k.Contains(h.GetProperty("id").GetString()!));
        var hybrid = await Json(search, "/api/search?q=math%20word%20problems&k=10");
        Assert.Equal("hybrid", hybrid!.Value.GetProperty("mode").GetString());
        Assert.Contains(hybrid.Value.GetProperty("hits").EnumerateArray(), h => gsm8k.Contains(h.GetProperty("id").GetString()!));

        // Filters hold in every mode; sort reorders by popularity.
        foreach (var mode in new[] { "keyword", "semantic", "hybrid" })
        {
            var filtered = await Json(search,
                $"/api/search?q=chat%20assistant&mode={mode}&k=20&pipelineTag=text-generation&minDownloads=1&sort=downloads");
            var hits = filtered!.Value.GetProperty("hits").EnumerateArray().ToList();
            Assert.NotEmpty(hits);
            Assert.All(hits, h => Assert.Equal("text-generation", h.GetProperty("pipelineTag").GetString()));
            Assert.All(hits, h => Assert.True(h.GetProperty("downloads").GetInt64() >= 1));
            var downloads = hits.Select(h => h.GetProperty("downloads").GetInt64()).ToList();
            Assert.Equal(downloads.OrderDescending(), downloads);
        }

        using var bad = await search.GetAsync("/api/search?q=x&mode=telepathy");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task ModelVerse_ranks_organizations_like_a_grouping_of_the_raw_data()
    {
        var snapshot = await platform.PublishSnapshotAsync(ConsumersFixture.SamplePages, DateTimeOffset.UtcNow);
        var metrics = platform.Metrics.CreateClient();
        await Eventually.GetAsync(() => Json(metrics, $"/api/snapshots/{snapshot}"),
            s => s!.Value.GetProperty("ingestedModels").GetInt64() == SampleData.SampleModels.Count, Patience, "metrics to ingest the sample");

        var raw = SampleData.SampleModels.Select(m => (Author: m.GetProperty("author").GetString()!, Id: m.GetProperty("id").GetString()!,
            Downloads: m.GetProperty("downloads").GetInt64(),
            Pipeline: m.GetProperty("pipeline_tag").ValueKind == JsonValueKind.String ? m.GetProperty("pipeline_tag").GetString() : null)).ToList();
        var expected = raw.GroupBy(m => m.Author).Select(g => (Org: g.Key, Value: (double)g.Sum(m => m.Downloads)))
            .OrderByDescending(o => o.Value).ThenBy(o => o.Org, StringComparer.Ordinal).ToList();
        var total = expected.Sum(o => o.Value);

        using var rankingResponse = await metrics.GetAsync($"/api/modelverse/organizations?metric=downloads&k=5&snapshot={snapshot}");
        Assert.True(rankingResponse.IsSuccessStatusCode, await rankingResponse.Content.ReadAsStringAsync());
        var ranking = await rankingResponse.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(expected.Take(5).Select(o => (o.Org, o.Value)),
            ranking.GetProperty("top").EnumerateArray().Select(o =>
                (o.GetProperty("organization").GetString()!, o.GetProperty("value").GetDouble())));
        Assert.Equal(total - expected.Take(5).Sum(o => o.Value), ranking.GetProperty("others").GetProperty("value").GetDouble());
        Assert.Equal(expected[0].Value / total, ranking.GetProperty("top")[0].GetProperty("share").GetDouble(), 9);

        var textGeneration = (await Json(metrics,
            $"/api/modelverse/organizations?metric=models&k=500&pipelineTag=text-generation&snapshot={snapshot}"))!.Value;
        Assert.Equal(raw.Count(m => m.Pipeline == "text-generation"), textGeneration.GetProperty("totalModels").GetInt64());

        var treemap = (await Json(metrics, $"/api/modelverse/treemap?metric=downloads&k=3&modelsPerOrganization=2&snapshot={snapshot}"))!.Value;
        var top = treemap[0];
        Assert.Equal(expected[0].Org, top.GetProperty("organization").GetString());
        Assert.Equal(
            raw.Where(m => m.Author == expected[0].Org).OrderByDescending(m => m.Downloads).ThenBy(m => m.Id, StringComparer.Ordinal).First().Id,
            top.GetProperty("models")[0].GetProperty("id").GetString());
        Assert.Equal("others", treemap[treemap.GetArrayLength() - 1].GetProperty("organization").GetString());

        using var bad = await metrics.GetAsync("/api/modelverse/organizations?metric=vibes");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task A_completed_snapshot_invalidates_cached_answers()
    {
        var metrics = platform.Metrics.CreateClient();
        // A model of its own, so the other tests' snapshots don't move its numbers.
        var phi = ConsumersFixture.SamplePages.SelectMany(p => p).Single(m => m.Id == "microsoft/phi-2") with { Id = "cache-test/phi-2-copy" };
        await platform.PublishSnapshotAsync([[phi]], DateTimeOffset.UtcNow);
        var first = await Eventually.GetAsync(() => Json(metrics, "/api/models/cache-test/phi-2-copy"), _ => true, Patience, "the model in metrics");
        Assert.Equal(first!.Value.GetRawText(), (await Json(metrics, "/api/models/cache-test/phi-2-copy"))!.Value.GetRawText());

        var later = await platform.PublishSnapshotAsync([[phi with { Downloads = phi.Downloads + 12345 }]], DateTimeOffset.UtcNow.AddMinutes(1));
        var second = await Eventually.GetAsync(() => Json(metrics, "/api/models/cache-test/phi-2-copy"),
            m => m!.Value.GetProperty("snapshotId").GetString() == later.ToString(), Patience, "the cached answer to be replaced");
        Assert.Equal(phi.Downloads + 12345, second!.Value.GetProperty("downloads").GetInt64());
    }

    [Fact]
    public async Task A_malformed_page_goes_to_the_error_queue_with_its_reason()
    {
        var bad = ConsumersFixture.SamplePages[0][0] with { Id = "" };
        await platform.Bus.Publish(new ModelsObserved(Guid.NewGuid(), 1, DateTimeOffset.UtcNow, [bad]));
        await Eventually.GetAsync(() => platform.Rabbit.MessagesAsync(platform.VirtualHost, "metrics-models-observed_error"),
            n => n == 1, Patience, "the page to be dead-lettered");
        var message = await platform.Rabbit.PeekAsync(platform.VirtualHost, "metrics-models-observed_error");
        Assert.Contains("without an id", message.GetProperty("properties").GetProperty("headers").GetProperty("MT-Fault-Message").GetString());
    }

    [Fact]
    public async Task A_service_role_cannot_read_another_services_schema()
    {
        await Eventually.GetAsync(() => platform.Database.CountAsync("search.documents"), _ => true, Patience, "the search schema");
        await using var connection = new NpgsqlConnection(platform.Database.For("metrics"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM search.documents", connection);
        var error = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteScalarAsync());
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
    }

    private async Task<Dictionary<string, long>> CountsAsync()
    {
        var counts = new Dictionary<string, long>();
        foreach (var table in new[] { "metrics.models", "metrics.model_facts", "metrics.snapshot_pages", "lineage.models", "lineage.edges",
            "search.documents" })
        {
            counts[table] = await platform.Database.CountAsync(table);
        }
        return counts;
    }

    private async Task WaitForQueuesToDrainAsync(params string[] queues)
    {
        foreach (var queue in queues)
        {
            await Eventually.GetAsync(() => platform.Rabbit.MessagesAsync(platform.VirtualHost, queue), n => n == 0, Patience, $"{queue} to drain");
        }
        // "messages" counts unacknowledged ones too, so an empty queue means every delivery was handled.
    }

    private static async Task<JsonElement?> Json(HttpClient http, string url)
    {
        using var response = await http.GetAsync(url);
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : null;
    }
}
