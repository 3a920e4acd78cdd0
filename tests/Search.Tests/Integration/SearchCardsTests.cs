using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using HubPlatform.Contracts;
using HubPlatform.Search.Embeddings;
using HubPlatform.Search.Index;
using HubPlatform.Search.Pipeline;
using HubPlatform.Tests.Search;
using HubPlatform.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;

namespace HubPlatform.Tests.Search.Integration;

/// <summary>
/// Search over the real sample with its real cards (1,109 models, cards published as CardsFetched):
/// capability queries in plain words, queries only meaning can answer, similar repos, datasets,
/// removal, the parameter filter and a restart that reuses the saved index.
/// </summary>
[Collection(ServersCollection.Name)]
public partial class SearchCardsTests(SearchFixture platform, ITestOutputHelper output) : IClassFixture<SearchFixture>
{
    /// <summary>
    /// Capability queries and the repo that must be in the hybrid top 10. Each was chosen by reading the card:
    /// <list type="bullet">
    /// <item>NikkeS/Phi-2-dialogsum-finetuned: phi-2 fine-tuned on DialogSum to summarize dialogues.</item>
    /// <item>webbigdata/C3TR-Adapter_hqq: an English↔Japanese translation adapter.</item>
    /// <item>kavinduc/devops-mastermind: "an AI assistant for DevOps and software engineering".</item>
    /// <item>ThisIs-Developer/Llama-2-GGML-Medical-Chatbot: a medical chatbot answering patients' questions.</item>
    /// <item>VaisakhKrishna/Llama-2-Emotional-ChatBot: an empathetic chatbot that detects emotions (mental health support).</item>
    /// <item>DongkiKim/Mol-Llama-2-7b-chat: molecular understanding with 2D and 3D molecule encoders.</item>
    /// <item>SaborDay/Phi2_RCT1M-ft-heading: classifies sentences of randomized clinical trial abstracts into Background, Methods, Results,
    /// Conclusion.</item>
    /// <item>Sohaibsoussi/llama-2-7b-miniDoctor: a card of front matter only (tag medical, patient–doctor chatbot dataset): found by its metadata
    /// document.</item>
    /// </list>
    /// </summary>
    public static readonly (string Query, string Expected)[] CapabilityQueries =
    [
        ("summarize conversations and chat logs", "NikkeS/Phi-2-dialogsum-finetuned"),
        ("English to Japanese translation", "webbigdata/C3TR-Adapter_hqq"),
        ("assistant for DevOps and software engineering", "kavinduc/devops-mastermind"),
        ("medical chatbot that answers health questions", "ThisIs-Developer/Llama-2-GGML-Medical-Chatbot"),
        ("empathetic chatbot that recognizes the user's emotions", "VaisakhKrishna/Llama-2-Emotional-ChatBot"),
        ("understanding molecules with 2D and 3D encoders", "DongkiKim/Mol-Llama-2-7b-chat"),
        ("classify sentences of clinical trial abstracts", "SaborDay/Phi2_RCT1M-ft-heading"),
        ("doctor patient conversation chatbot", "Sohaibsoussi/llama-2-7b-miniDoctor"),
    ];

    /// <summary>
    /// Paraphrases: none of their words (short function words aside) is a word of the expected repo's card or
    /// metadata, which the test checks on the raw data, so keyword search cannot find the repo; meaning can.
    /// <list type="bullet">
    /// <item>the emotional chatbot's card speaks of "emotions", "empathetically", "sadness", not of loneliness or anxiety.</item>
    /// <item>the dialogue summarizer's card says "dialogue summarization" of "human conversations", not "recap", "said" or "meeting".</item>
    /// <item>the same card never says "shorten", "chats" or "lines".</item>
    /// </list>
    /// </summary>
    public static readonly (string Query, string Expected)[] ParaphraseQueries =
    [
        ("companion that notices loneliness or anxiety", "VaisakhKrishna/Llama-2-Emotional-ChatBot"),
        ("recap what people said in a meeting", "NikkeS/Phi-2-dialogsum-finetuned"),
        ("shorten long chats into a few lines", "NikkeS/Phi-2-dialogsum-finetuned"),
    ];

    private static readonly string[] StopWords = ["that", "or", "what", "in", "a", "into"];

    [NeedsSharedDataFact(SharedNeed.Cards)]
    public async Task Capability_queries_rank_the_repo_that_does_it_in_the_top_10()
    {
        var search = platform.Search.CreateClient();
        var missed = new List<string>();
        foreach (var (query, expected) in CapabilityQueries)
        {
            var ids = await IdsAsync(search, $"/api/search?q={Uri.EscapeDataString(query)}&k=10");
            output.WriteLine($"{query}: rank {ids.IndexOf(expected) + 1} of [{string.Join(", ", ids)}]");
            if (!ids.Contains(expected))
            {
                missed.Add($"{query} → {expected}");
                await DiagnoseAsync(search, query, expected);
            }
        }
        Assert.Empty(missed);
    }

    [NeedsSharedDataFact(SharedNeed.Cards)]
    public async Task Hybrid_finds_by_meaning_what_keyword_search_cannot()
    {
        var search = platform.Search.CreateClient();
        foreach (var (query, expected) in ParaphraseQueries)
        {
            // Independently of the service: no word of the query is in the repo's raw card or metadata.
            var raw = (SampleCards.Get(expected).Readme + " " + SampleData.SampleModels.Single(m => m.GetProperty("id").GetString() == expected)
                .GetRawText()).ToLowerInvariant();
            var words = Words().Matches(query.ToLowerInvariant()).Select(m => m.Value).Except(StopWords).ToArray();
            Assert.All(words, w => Assert.DoesNotMatch($@"\b{Regex.Escape(w)}\b", raw));

            var keyword = await IdsAsync(search, $"/api/search?q={Uri.EscapeDataString(query)}&k=10&mode=keyword");
            var hybrid = await IdsAsync(search, $"/api/search?q={Uri.EscapeDataString(query)}&k=10");
            output.WriteLine($"{query}: keyword [{string.Join(", ", keyword)}], hybrid rank {hybrid.IndexOf(expected) + 1}");
            Assert.DoesNotContain(expected, keyword);
            Assert.Contains(expected, hybrid);
        }
    }

    [NeedsSharedDataFact(SharedNeed.Cards)]
    public async Task A_semantic_hit_shows_the_card_passage_it_was_found_by_and_its_key_facts()
    {
        var search = platform.Search.CreateClient();
        var result = await SearchHost.Json(search, "/api/search?q=classify%20sentences%20of%20clinical%20trial%20abstracts&k=5&mode=semantic");
        var hit = result!.Value.GetProperty("hits").EnumerateArray().First(h => h.GetProperty("id").GetString() == "SaborDay/Phi2_RCT1M-ft-heading");
        var snippet = hit.GetProperty("snippet").GetString()!;
        // The passage is a piece of the card's prose (its metadata text says nothing of clinical trials).
        Assert.Contains("clinical", snippet, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(Collapse(snippet)[..40], Collapse(SampleCards.Get("SaborDay/Phi2_RCT1M-ft-heading").Readme));
        var raw = SampleData.SampleModels.Single(m => m.GetProperty("id").GetString() == "SaborDay/Phi2_RCT1M-ft-heading");
        Assert.Equal(raw.GetProperty("downloads").GetInt64(), hit.GetProperty("downloads").GetInt64());
        Assert.Equal(raw.GetProperty("likes").GetInt64(), hit.GetProperty("likes").GetInt64());
        Assert.Equal(DateTimeOffset.Parse(raw.GetProperty("createdAt").GetString()!, CultureInfo.InvariantCulture),
            hit.GetProperty("createdAt").GetDateTimeOffset());
        Assert.Equal(ParameterCount(raw), hit.GetProperty("parameters").ValueKind == JsonValueKind.Null ? null : hit.GetProperty("parameters")
            .GetInt64());
    }

    [Fact]
    public async Task Similar_repos_are_found_by_the_repos_own_vectors_without_itself()
    {
        var search = platform.Search.CreateClient();
        // Jukaboo's four Llama2_7B_chat_DE variants share one card template and the germanquad dataset.
        var similar = await SearchHost.Json(search, "/api/search/similar/Jukaboo/Llama2_7B_chat_DE?k=10");
        var ids = similar!.Value.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("id").GetString()!).ToList();
        output.WriteLine(string.Join(", ", ids));
        Assert.DoesNotContain("Jukaboo/Llama2_7B_chat_DE", ids);
        Assert.Contains("Jukaboo/Llama2_7B_chat_DE_2", ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());

        using var unknown = await search.GetAsync("/api/search/similar/nobody/no-such-model");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        using var badType = await search.GetAsync("/api/search/similar/Jukaboo/Llama2_7B_chat_DE?repoType=space");
        Assert.Equal(HttpStatusCode.BadRequest, badType.StatusCode);
    }

    [Fact]
    public async Task The_parameter_range_keeps_only_models_whose_weights_are_in_it()
    {
        var search = platform.Search.CreateClient();
        const long min = 2_000_000_000, max = 3_000_000_000;
        // Independently of the crawler's parser: safetensors.total in the raw JSON.
        var inRange = SampleData.SampleModels.Where(m => ParameterCount(m) is >= min and <= max).Select(m => m.GetProperty("id").GetString()!)
            .ToHashSet();
        Assert.NotEmpty(inRange);
        foreach (var mode in new[] { "keyword", "semantic", "hybrid" })
        {
            var hits = await IdsAsync(search, $"/api/search?q=chat%20model&k=50&mode={mode}&minParameters={min}&maxParameters={max}");
            Assert.NotEmpty(hits);
            Assert.All(hits, id => Assert.Contains(id, inRange));
        }
    }

    [Theory]
    [InlineData("/api/search?q=")]
    [InlineData("/api/search?q=chat&minParameters=10&maxParameters=5")]
    [InlineData("/api/search?q=chat&maxParameters=-1")]
    [InlineData("/api/search?q=chat&repoType=space")]
    [InlineData("/api/search?q=chat&k=0")]
    [InlineData("/api/search?q=chat&sort=hot")]
    [InlineData("/api/search/similar/not%20an%20id")]
    public async Task Bad_queries_are_problem_400s(string url)
    {
        using var response = await platform.Search.CreateClient().GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Datasets_are_searched_apart_from_models_and_removed_repos_leave_search()
    {
        var search = platform.Search.CreateClient();
        var dataset = new DatasetObservation("search-test/patient-doctor-dialogues", "search-test", null, DateTimeOffset.UtcNow, null, false, "False",
            false,
            42, null, 3, null, ["task_categories:question-answering", "language:en"], "mit", ["en"], ["question-answering"], ["text"], "1K<n<10K",
            ["json"],
            "Patient doctor dialogues", "Conversations between patients and doctors about symptoms and treatments.");
        await platform.Bus.Publish(new DatasetsObserved(platform.Snapshot, 10_000, DateTimeOffset.UtcNow, [dataset]));
        await platform.Bus.Publish(new CardsFetched(platform.Snapshot, 10_001, DateTimeOffset.UtcNow, RepoType.Dataset,
            [new RepoCard(dataset.Id, null,
            "---\nlicense: mit\n---\n# Patient doctor dialogues\n\nReal-sounding consultations in which a doctor asks about symptoms.")]));

        var found = await Eventually.GetAsync(async () =>
            (List<string>?)await IdsAsync(search, "/api/search?q=conversations%20with%20a%20doctor&repoType=dataset&k=5"),
            ids => ids.Contains(dataset.Id), SearchHost.Patience, "the dataset to be searchable");
        Assert.Single(found);
        Assert.DoesNotContain(dataset.Id, await IdsAsync(search, "/api/search?q=conversations%20with%20a%20doctor&k=50"));
        Assert.Equal(1, await platform.Database.CountAsync($"search.chunks WHERE repo_type = 'dataset' AND id = '{dataset.Id}'"));

        // A model of the same name is not touched by removing the dataset.
        await platform.Bus.Publish(new ReposRemoved(platform.Snapshot, DateTimeOffset.UtcNow, RepoType.Dataset, [dataset.Id]));
        await Eventually.GetAsync(async () =>
            (List<string>?)await IdsAsync(search, "/api/search?q=conversations%20with%20a%20doctor&repoType=dataset&k=5&mode=keyword"),
            ids => ids.Count == 0, SearchHost.Patience, "the dataset to leave search");
        Assert.Equal(0, await platform.Database.CountAsync($"search.chunks WHERE id = '{dataset.Id}'"));
        Assert.Empty(await IdsAsync(search, "/api/search?q=conversations%20with%20a%20doctor&repoType=dataset&k=5&mode=semantic"));
        Assert.Equal(SampleData.SampleModels.Count,
            await platform.Database.CountAsync("search.documents WHERE repo_type = 'model' AND id NOT LIKE 'search-test/%'"));
    }

    [NeedsSharedDataFact(SharedNeed.Cards)]
    public async Task A_card_fetched_again_unchanged_embeds_nothing_and_a_changed_one_only_its_changed_chunks()
    {
        var search = platform.Search.CreateClient();
        const string id = "kavinduc/devops-mastermind";
        var versions = await ChunkVersionsAsync(id);
        var embeddings = await platform.Database.CountAsync("search.embeddings");

        var card = SampleCards.Get(id);
        await platform.Bus.Publish(new CardsFetched(platform.Snapshot, 20_000, DateTimeOffset.UtcNow, RepoType.Model,
            [new RepoCard(id, null, card.Readme)]));
        await Eventually.GetAsync(() => platform.Rabbit.MessagesAsync(platform.VirtualHost, "search-cards-fetched"), n => n == 0, SearchHost.Patience,
            "the card to be consumed");
        Assert.Equal(versions, await ChunkVersionsAsync(id));
        Assert.Equal(embeddings, await platform.Database.CountAsync("search.embeddings"));

        // A new last paragraph changes the last chunk only.
        var changed = card.Readme + "\n\nNow also answers questions about Kubernetes operators written in Rust.";
        await platform.Bus.Publish(new CardsFetched(platform.Snapshot, 20_001, DateTimeOffset.UtcNow.AddSeconds(1), RepoType.Model,
            [new RepoCard(id, null, changed)]));
        var after = await Eventually.GetAsync(async () => (List<long>?)await ChunkVersionsAsync(id), v => v.SequenceEqual(versions) is false,
            SearchHost.Patience, "the chunks to change");
        Assert.Equal(1, versions.Count(v => !after.Contains(v)));
        await platform.WaitUntilIndexedAsync(search);
    }

    [Fact]
    public async Task A_filter_that_starves_semantic_search_stops_widening_at_the_bound_and_says_the_answer_is_partial()
    {
        // Nearly every vector here is a model's: asking for 10 datasets makes the approximate search widen. (Each
        // host gets its own query: answers are cached in Redis, shared by the replicas of one database.)
        var fixtureHost = await SearchHost.Json(platform.Search.CreateClient(), "/api/search?q=chat%20assistant&mode=semantic&repoType=dataset&k=10");
        // The default bound (50,000 vectors) is beyond this whole index: it widened to every vector and is complete.
        Assert.False(fixtureHost!.Value.GetProperty("partial").GetBoolean());
        Assert.True(fixtureHost.Value.GetProperty("hits").GetArrayLength() < 10);

        await using var bounded = platform.Host(new Dictionary<string, string?>(SearchHost.Settings) { ["Search:Semantic:MaxCandidates"] = "300" });
        var status = await platform.WaitUntilIndexedAsync(bounded.CreateClient());
        Assert.True(status.GetProperty("indexedVectors").GetInt64() > 300);
        var semantic = await SearchHost.Json(bounded.CreateClient(), "/api/search?q=a%20helpful%20assistant&mode=semantic&repoType=dataset&k=10");
        Assert.True(semantic!.Value.GetProperty("partial").GetBoolean());
        var hybrid = await SearchHost.Json(bounded.CreateClient(), "/api/search?q=a%20helpful%20assistant&repoType=dataset&k=10");
        Assert.True(hybrid!.Value.GetProperty("partial").GetBoolean());
        // Keyword search is exact, and a query that finds its k repos within the bound is complete.
        var keyword = await SearchHost.Json(bounded.CreateClient(), "/api/search?q=a%20helpful%20assistant&mode=keyword&repoType=dataset&k=10");
        Assert.False(keyword!.Value.GetProperty("partial").GetBoolean());
        var models = await SearchHost.Json(bounded.CreateClient(), "/api/search?q=a%20helpful%20assistant&mode=semantic&k=10");
        Assert.False(models!.Value.GetProperty("partial").GetBoolean());
        Assert.Equal(10, models.Value.GetProperty("hits").GetArrayLength());

        // The OpenAPI document says what the field means.
        var document = await SearchHost.Json(bounded.CreateClient(), "/openapi/v1.json");
        var partial = document!.Value.GetProperty("components").GetProperty("schemas").GetProperty("SearchResults").GetProperty("properties")
            .GetProperty("partial");
        Assert.Contains("Search:Semantic:MaxCandidates", partial.GetProperty("description").GetString());
    }

    [Fact]
    public async Task A_restarted_replica_loads_its_saved_index_and_reembeds_nothing()
    {
        var path = Path.Combine(platform.IndexDirectory, "{replica}.usearch");
        var settings = new Dictionary<string, string?>(SearchHost.Settings) { ["Search:Embeddings:Index:Path"] = path };
        var embeddings = await platform.Database.CountAsync("search.embeddings");
        JsonElement first;
        await using (var replica = platform.Host(settings))
        {
            first = await platform.WaitUntilIndexedAsync(replica.CreateClient());
        }
        // Stopping saved the index and its state.
        Assert.True(File.Exists(path.Replace("{replica}", Environment.MachineName)));

        await using var restarted = platform.Host(settings);
        var status = (await SearchHost.Json(restarted.CreateClient(), "/api/search/status"))!.Value;
        Assert.Equal(first.GetProperty("indexedVectors").GetInt64(), status.GetProperty("indexedVectors").GetInt64());
        Assert.Equal(first.GetProperty("indexWatermark").GetInt64(), status.GetProperty("indexWatermark").GetInt64());
        Assert.Equal(0, status.GetProperty("embeddedSinceStart").GetInt64());
        Assert.Equal(embeddings, await platform.Database.CountAsync("search.embeddings"));
        var hits = await IdsAsync(restarted.CreateClient(), "/api/search?q=English%20to%20Japanese%20translation&mode=semantic&k=10");
        Assert.Contains("webbigdata/C3TR-Adapter_hqq", hits);
    }

    [NeedsSharedDataFact(SharedNeed.Cards)]
    public async Task The_index_holds_each_distinct_text_once()
    {
        var search = platform.Search.CreateClient();
        await platform.WaitUntilIndexedAsync(search);
        // Texts no row names any more (a changed card's old chunk, a removed repo's) leave at the full comparison.
        await platform.Search.Services.GetRequiredService<EmbeddingWorker>().CompareWithDatabaseAsync(recentOnly: false, CancellationToken.None);

        var rows = await ScalarAsync<long>("SELECT count(*) FROM (SELECT text_hash FROM search.documents UNION ALL SELECT text_hash FROM " +
                                           "search.chunks) t");
        var distinct = await ScalarAsync<long>("SELECT count(DISTINCT text_hash) FROM (SELECT text_hash FROM search.documents UNION ALL SELECT " +
                                               "text_hash FROM search.chunks) t");
        output.WriteLine($"{rows} rows, {distinct} distinct texts");
        // The sample's templated cards repeat chunks, so one vector per row would hold more.
        Assert.True(distinct < rows);
        Assert.Equal(distinct, platform.Search.Services.GetRequiredService<VectorIndex>().Count);
    }

    [Fact]
    public async Task The_index_repairs_a_text_committed_below_its_watermark_and_a_removed_repos_texts_leave_it()
    {
        var worker = platform.Search.Services.GetRequiredService<EmbeddingWorker>();
        var state = platform.Search.Services.GetRequiredService<IndexState>();
        var index = platform.Search.Services.GetRequiredService<VectorIndex>();
        // A model of its own (a copy of a sample model under another name: its document's text is its own).
        var copy = ConsumersFixture.SamplePages.SelectMany(p => p).Single(m => m.Id == "Federic/LLM-to-SQL") with { Id = "search-test/late-commit" };
        await platform.Bus.Publish(new ModelsObserved(platform.Snapshot, 30_000, DateTimeOffset.UtcNow, [copy]));
        var own = await Eventually.GetAsync(async () => (long?)await ScalarAsync<long>("""
                SELECT coalesce(max(e.key), 0) FROM search.documents d JOIN search.embeddings e ON e.text_hash = d.text_hash WHERE d.id =
                    'search-test/late-commit'
                """),
            k => k > 0 && index.Contains((ulong)k), SearchHost.Patience, "the copy's text to be indexed") ?? 0;
        var late = state.Watermark - 3;
        // As if a transaction that took version `late` long ago committed only now, with a new text (the
        // translation adapter's vector under a text of its own). The watermark has moved past it, so the next sync cannot see it.
        var lateKey = await ScalarAsync<long>("""
            INSERT INTO search.embeddings (text_hash, vector, created_at)
            SELECT 'search-test-late-text', e.vector, now() FROM search.documents d JOIN search.embeddings e ON e.text_hash = d.text_hash
            WHERE d.id = 'webbigdata/C3TR-Adapter_hqq' RETURNING key
            """);
        await ScalarAsync<long>($"""
            UPDATE search.documents SET text_hash = 'search-test-late-text', vector_version = {late}, embedded = true
            WHERE id = 'search-test/late-commit' RETURNING key
            """);

        await worker.CompareWithDatabaseAsync(recentOnly: true, CancellationToken.None);
        Assert.True(index.Contains((ulong)lateKey));
        var translation = await IdsAsync(platform.Search.CreateClient(), "/api/search/similar/webbigdata/C3TR-Adapter_hqq?k=5");
        Assert.Contains("search-test/late-commit", translation);

        // The repo leaves the Hub: its texts (no other repo names them) leave the index at the full comparison,
        // while the model it was copied from keeps its own.
        await platform.Bus.Publish(new ReposRemoved(platform.Snapshot, DateTimeOffset.UtcNow, RepoType.Model, ["search-test/late-commit"]));
        await Eventually.GetAsync(() => platform.Database.CountAsync("search.documents WHERE id = 'search-test/late-commit'"), n => n == 0,
            SearchHost.Patience, "the copy to be removed");
        await worker.CompareWithDatabaseAsync(recentOnly: false, CancellationToken.None);
        Assert.False(index.Contains((ulong)lateKey));
        Assert.False(index.Contains((ulong)own));
        Assert.Null(state.VersionOf((ulong)lateKey));
        var original = await ScalarAsync<long>("SELECT e.key FROM search.documents d JOIN search.embeddings e ON e.text_hash = d.text_hash WHERE " +
                                               "d.id = 'Federic/LLM-to-SQL'");
        Assert.True(index.Contains((ulong)original));
    }

    [NeedsSharedDataFact(SharedNeed.Cards)]
    public async Task A_selective_filter_finds_all_its_repos_by_meaning_even_when_the_nearest_vectors_are_all_elsewhere()
    {
        var search = platform.Search.CreateClient();
        var index = platform.Search.Services.GetRequiredService<VectorIndex>();
        const string query = "a chat assistant that speaks Romanian";
        var q = platform.Search.Services.GetRequiredService<SentenceEmbedder>().Embed(query);
        // A crowd of 10,000 vectors nearer the query than any repo (cosine ≈ 0.96), under keys no row has: as if
        // thousands of other repos matched better but the filter left them out. An approximate search of a
        // fixed few thousand candidates, filtered afterwards, sees only the crowd.
        var random = new Random(11);
        var crowd = Enumerable.Range(0, 10_000).Select(i => KeyValuePair.Create((1UL << 40) + (ulong)i, Near(q, random))).ToArray();
        index.Upsert(crowd);
        try
        {
            // Independently of the service: the sample's models by OpenLLM-Ro, each scored by its best stored vector.
            const string author = "OpenLLM-Ro";
            var expected = new Dictionary<string, double>();
            foreach (var id in SampleData.SampleModels.Select(m => m.GetProperty("id").GetString()!)
                .Where(id => id.StartsWith(author + "/", StringComparison.Ordinal)))
            {
                expected[id] = (await StoredVectorsAsync(id)).Max(v => Embedders.Cosine(q, v));
            }
            Assert.Equal(5, expected.Count);

            var hits = (await SearchHost.Json(search, $"/api/search?q={Uri.EscapeDataString(query)}&mode=semantic&k=10&author={author}"))!.Value
                .GetProperty("hits").EnumerateArray().Select(h => (Id: h.GetProperty("id").GetString()!, Score: h.GetProperty("score").GetDouble()))
                    .ToList();
            output.WriteLine(string.Join(", ", hits.Select(h => $"{h.Id} {h.Score:F3} (expected {expected.GetValueOrDefault(h.Id):F3})")));
            Assert.Equal(expected.Keys.Order(), hits.Select(h => h.Id).Order());
            // Half-precision vectors in the index: scores agree to about 1e-3.
            Assert.All(hits, h => Assert.Equal(expected[h.Id], h.Score, 0.01));
            Assert.Equal(hits.OrderByDescending(h => h.Score).Select(h => h.Id), hits.Select(h => h.Id));

            // Unfiltered, the search widens past the crowd until it has k repos.
            var unfiltered = await IdsAsync(search, $"/api/search?q={Uri.EscapeDataString(query)}&mode=semantic&k=10");
            output.WriteLine("unfiltered: " + string.Join(", ", unfiltered));
            Assert.Equal(10, unfiltered.Count);
            Assert.Contains(unfiltered, id => id.StartsWith(author + "/", StringComparison.Ordinal));
        }
        finally
        {
            foreach (var (key, _) in crowd)
            {
                index.Remove(key);
            }
        }
    }

    [Fact]
    public async Task Sort_by_trending_orders_hits_by_the_hubs_trending_score()
    {
        var search = platform.Search.CreateClient();
        var template = ConsumersFixture.SamplePages.SelectMany(p => p).Single(m => m.Id == "Federic/LLM-to-SQL");
        // Trending scores as the Hub lists them (the sample has none): one repo without a score sorts last.
        var models = new (string Id, double? Trending)[] { ("search-test/trend-steady", 5.5), ("search-test/trend-rising", 48),
            ("search-test/trend-quiet", null), ("search-test/trend-warm", 12.25) }
            .Select(m => template with { Id = m.Id, Author = "search-test-trend", TrendingScore = m.Trending }).ToArray();
        await platform.Bus.Publish(new ModelsObserved(platform.Snapshot, 40_000, DateTimeOffset.UtcNow, models));

        const string url = "/api/search?q=trend&mode=keyword&k=10&author=search-test-trend";
        await Eventually.GetAsync(async () => (List<string>?)await IdsAsync(search, url), ids => ids.Count == models.Length, SearchHost.Patience,
            "the trending models to be stored");
        var hits = (await SearchHost.Json(search, url + "&sort=trending"))!.Value.GetProperty("hits").EnumerateArray().ToList();
        var expected = models.OrderByDescending(m => m.TrendingScore ?? double.MinValue).Select(m => m.Id).ToList();
        Assert.Equal(expected, hits.Select(h => h.GetProperty("id").GetString()));
        Assert.Equal(models.OrderByDescending(m => m.TrendingScore ?? double.MinValue).Select(m => m.TrendingScore),
            hits.Select(h => h.GetProperty("trendingScore").ValueKind == JsonValueKind.Null ? (double?)null : h.GetProperty("trendingScore")
            .GetDouble()));
    }

    private static float[] Near(float[] q, Random random)
    {
        var v = new float[q.Length];
        var noise = 0.3 / Math.Sqrt(q.Length);
        for (var i = 0; i < v.Length; i++)
        {
            v[i] = q[i] + (float)(noise * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        }
        var norm = MathF.Sqrt(v.Sum(x => x * x));
        return v.Select(x => x / norm).ToArray();
    }

    private async Task<List<float[]>> StoredVectorsAsync(string id)
    {
        await using var connection = new NpgsqlConnection(platform.Database.Admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT e.vector FROM (SELECT text_hash FROM search.documents WHERE id = @id UNION ALL SELECT text_hash FROM search.chunks WHERE id = @id)
                v
            JOIN search.embeddings e ON e.text_hash = v.text_hash
            """, connection);
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync();
        var vectors = new List<float[]>();
        while (await reader.ReadAsync())
        {
            vectors.Add((float[])reader.GetValue(0));
        }
        return vectors;
    }

    /// <summary>What the service saw for a missed query: the semantic and keyword lists, and whether the repo's vectors are in the index.</summary>
    private async Task DiagnoseAsync(HttpClient search, string query, string expected)
    {
        var semantic = await SearchHost.Json(search, $"/api/search?q={Uri.EscapeDataString(query)}&k=10&mode=semantic");
        output.WriteLine("  semantic: "
            + string.Join(", ", semantic!.Value.GetProperty("hits").EnumerateArray()
                .Select(h => $"{h.GetProperty("id").GetString()} {h.GetProperty("score").GetDouble():F3}")));
        var keyword = await IdsAsync(search, $"/api/search?q={Uri.EscapeDataString(query)}&k=10&mode=keyword");
        output.WriteLine("  keyword: " + string.Join(", ", keyword));
        var index = platform.Search.Services.GetRequiredService<HubPlatform.Search.Index.VectorIndex>();
        var embedder = platform.Search.Services.GetRequiredService<HubPlatform.Search.Embeddings.SentenceEmbedder>();
        var q = embedder.Embed(query);
        await using var connection = new NpgsqlConnection(platform.Database.Admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT coalesce(e.key, -1), e.vector FROM (SELECT text_hash FROM search.documents WHERE id = @id UNION ALL SELECT text_hash FROM
                                                       search.chunks WHERE id = @id) v
            LEFT JOIN search.embeddings e ON e.text_hash = v.text_hash
            """, connection);
        command.Parameters.AddWithValue("id", expected);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var key = reader.GetInt64(0);
            var vector = reader.IsDBNull(1) ? null : (float[])reader.GetValue(1);
            output.WriteLine($"  {expected} key {key}: in index {index.Contains((ulong)key)}, cosine " +
                             $"{(vector is null ? "no vector" : Embedders.Cosine(q, vector).ToString("F3", CultureInfo.InvariantCulture))}");
        }
        var exact = index.Search(q, 2000);
        output.WriteLine($"  ANN top-2000 has {exact.Count} keys, best {(exact.Count > 0 ? exact[0].Similarity : 0):F3}");
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(platform.Database.Admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private async Task<List<long>> ChunkVersionsAsync(string id)
    {
        await using var connection = new NpgsqlConnection(platform.Database.Admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT vector_version FROM search.chunks WHERE repo_type = 'model' AND id = @id ORDER BY " +
                                                    "ordinal", connection);
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync();
        var versions = new List<long>();
        while (await reader.ReadAsync())
        {
            versions.Add(reader.GetInt64(0));
        }
        return versions;
    }

    private static long? ParameterCount(JsonElement model) =>
        model.TryGetProperty("safetensors", out var s) && s.ValueKind == JsonValueKind.Object && s.TryGetProperty("total", out var total)
            && total.ValueKind == JsonValueKind.Number
            ? total.GetInt64() : null;

    private static async Task<List<string>> IdsAsync(HttpClient search, string url)
    {
        var result = await SearchHost.Json(search, url);
        Assert.True(result.HasValue, $"{url} failed");
        return result.Value.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("id").GetString()!).ToList();
    }

    private static string Collapse(string text) => Regex.Replace(text, @"\s+", " ");

    [GeneratedRegex(@"[a-z0-9']+")]
    private static partial Regex Words();
}
