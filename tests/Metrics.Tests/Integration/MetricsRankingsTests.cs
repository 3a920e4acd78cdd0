using System.Net.Http.Headers;
using System.Text.Json;
using HubPlatform.Contracts;
using HubPlatform.Metrics.Dimensions;
using HubPlatform.Metrics.Infrastructure;
using HubPlatform.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace HubPlatform.Tests.Metrics.Integration;

/// <summary>
/// The rankings the precomputed aggregates answer (ModelVerse by tag, modality, org type and parameter range; DataVerse
/// by org type; the HeatMap ranking of every window), each checked against a grouping of the raw observations done
/// here, for every metric and for the paths the ranking falls back to; the backfill of a snapshot built by an older
/// aggregate version; and the response cache's bypass for the admin key.
/// </summary>
[Collection(ServersCollection.Name)]
public class MetricsRankingsTests(MetricsFixture platform) : IClassFixture<MetricsFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    private static string Owner(string id) => id.Split('/')[0];

    /// <summary>natural-language-processing as the Hub's task page groups it, written out here.</summary>
    private static readonly string[] Nlp =
    [
        "text-classification", "token-classification", "table-question-answering", "question-answering", "zero-shot-classification",
        "translation", "summarization", "feature-extraction", "text-generation", "text2text-generation", "fill-mask", "sentence-similarity",
        "text-ranking",
    ];

    private static string MostCommonTag(IEnumerable<ModelObservation> models) =>
        models.Where(m => m.PipelineTag is not null).GroupBy(m => m.PipelineTag!).OrderByDescending(g => g.Count()).First().Key;

    /// <summary>The API's metric of a raw model: downloads, all-time downloads (0 when unknown), likes, or 1 (count).</summary>
    private static double Value(ModelObservation m, string metric) => metric switch
    {
        "downloads" => m.Downloads,
        "downloadsAllTime" => m.DownloadsAllTime ?? 0,
        "likes" => m.Likes,
        _ => 1,
    };

    private async Task<MetricsFixture> BuiltAsync()
    {
        await Eventually.GetAsync(() =>
            platform.Database.CountAsync($"metrics.snapshots WHERE aggregates_version = {SnapshotAggregates.Version} AND id IN " +
                                         $"('{platform.First}', '{platform.Second}')"),
            n => n == 2, Patience, "both full snapshots' aggregates");
        return platform;
    }

    private async Task<Dictionary<string, string>> OrgTypesAsync() =>
        (await platform.Database.QueryAsync<string>("SELECT name || '|' || org_type FROM metrics.organizations"))
        .Select(r => r.Split('|')).ToDictionary(r => r[0], r => r[1]);

    /// <summary>The ModelVerse answer the raw models give: top k (organization, value, models), the total and the model count.</summary>
    private static (List<(string, double, long)> Top, double Total, long Models) Expected(IEnumerable<ModelObservation> models, string metric, int k)
    {
        var all = models.ToList();
        var top = all.GroupBy(m => Owner(m.Id)).Select(g => (Org: g.Key, Value: g.Sum(m => Value(m, metric)), Models: g.LongCount()))
            .OrderByDescending(o => o.Value).ThenBy(o => o.Org, StringComparer.Ordinal).Take(k).ToList();
        return (top, all.Sum(m => Value(m, metric)), all.Count);
    }

    private static async Task AssertModelVerseAsync(HttpClient metrics, string query, IEnumerable<ModelObservation> models, string metric, int k)
    {
        var (top, total, count) = Expected(models, metric, k);
        var answer = await Json(metrics, $"/api/modelverse/organizations?metric={metric}&k={k}&{query}");
        Assert.True(top.SequenceEqual(answer.GetProperty("top").EnumerateArray()
                .Select(o => (o.GetProperty("organization").GetString()!, o.GetProperty("value").GetDouble(), o.GetProperty("models").GetInt64()))),
            $"{query} {metric} k={k}: expected {string.Join(", ", top.Take(5))} …, got {answer.GetProperty("top")}");
        Assert.Equal(total, answer.GetProperty("total").GetDouble());
        Assert.Equal(count, answer.GetProperty("totalModels").GetInt64());
    }

    [Fact]
    public async Task ModelVerse_rankings_by_tag_modality_and_org_type_equal_a_grouping_of_the_raw_models()
    {
        var p = await BuiltAsync();
        var metrics = p.Metrics.CreateClient();
        var models = p.FirstModels;
        var orgTypes = await OrgTypesAsync();
        string TypeOf(ModelObservation m) => orgTypes.GetValueOrDefault(Owner(m.Id), "individual");
        var tag = MostCommonTag(models);
        foreach (var metric in new[] { "downloads", "downloadsAllTime", "likes", "count" })
        {
            foreach (var (query, selected) in new (string, Func<ModelObservation, bool>)[]
                     {
                         ($"snapshot={p.First}", _ => true),
                         ($"snapshot={p.First}&pipelineTag={tag}", m => m.PipelineTag == tag),
                         ($"snapshot={p.First}&modality=natural-language-processing", m => Nlp.Contains(m.PipelineTag)),
                         ($"snapshot={p.First}&modality=natural-language-processing&orgType=company",
                         m => Nlp.Contains(m.PipelineTag) && TypeOf(m) == "company"),
                         ($"snapshot={p.First}&orgType=individual", m => TypeOf(m) == "individual"),
                         ($"snapshot={p.First}&pipelineTag={tag}&modality=audio", _ => false),
                     })
            {
                foreach (var k in new[] { 1, 7, 500 })
                {
                    await AssertModelVerseAsync(metrics, query, models.Where(selected), metric, k);
                }
            }
        }
    }

    [Fact]
    public async Task ModelVerse_treemaps_equal_each_top_organizations_top_raw_models_whatever_the_filter()
    {
        var p = await BuiltAsync();
        var metrics = p.Metrics.CreateClient();
        var models = p.FirstModels;
        var orgTypes = await OrgTypesAsync();
        var tag = MostCommonTag(models);
        foreach (var metric in new[] { "downloads", "downloadsAllTime", "likes", "count" })
        {
            foreach (var (query, selected) in new (string, Func<ModelObservation, bool>)[]
                     {
                         ("", _ => true),
                         ($"&pipelineTag={tag}", m => m.PipelineTag == tag),
                         ("&modality=natural-language-processing&orgType=company",
                          m => Nlp.Contains(m.PipelineTag) && orgTypes.GetValueOrDefault(Owner(m.Id), "individual") == "company"),
                         ("&minParameters=1000000000&maxParameters=10000000000", m => m.ParameterCount is >= 1_000_000_000 and <= 10_000_000_000),
                         ("&orgType=individual", m => orgTypes.GetValueOrDefault(Owner(m.Id), "individual") == "individual"),
                         ($"&pipelineTag={tag}&modality=natural-language-processing", m => m.PipelineTag == tag && Nlp.Contains(tag)),
                     })
            {
                var chosen = models.Where(selected).ToList();
                var (top, _, _) = Expected(chosen, metric, 6);
                var expected = top.Select(o => (o.Item1, string.Join(" ", chosen.Where(m => Owner(m.Id) == o.Item1)
                    .OrderByDescending(m => Value(m, metric)).ThenBy(m => m.Id, StringComparer.Ordinal).Take(4)
                    .Select(m => $"{m.Id}={Value(m, metric)}")))).ToList();
                var answer = await Json(metrics, $"/api/modelverse/treemap?metric={metric}&k=6&modelsPerOrganization=4&snapshot={p.First}{query}");
                var got = answer.EnumerateArray().Where(o => o.GetProperty("organization").GetString() != "others")
                    .Select(o => (o.GetProperty("organization").GetString()!, string.Join(" ", o.GetProperty("models").EnumerateArray()
                        .Select(m => $"{m.GetProperty("id").GetString()}={m.GetProperty("value").GetDouble()}")))).ToList();
                Assert.True(expected.SequenceEqual(got), $"{metric}{query}: expected {string.Join("; ", expected)}, got {string.Join("; ", got)}");
            }
        }
    }

    [Fact]
    public async Task ModelVerse_parameter_ranges_equal_a_grouping_of_the_raw_models_whatever_the_range()
    {
        var p = await BuiltAsync();
        var metrics = p.Metrics.CreateClient();
        var models = p.FirstModels;
        Assert.True(models.Count(m => m.ParameterCount is not null) > 500, "the sample's models have safetensors totals");
        var tag = MostCommonTag(models);
        var ranges = new (long? Min, long? Max)[]
        {
            (1_000_000_000, 10_000_000_000), // whole size classes (and exactly 10B above them)
            (500_000_000, 20_000_000_000), // whole classes and partial ones at both ends
            (1_500_000_000, 8_000_000_000), // inside two classes, none whole
            (1_000_000_000, null), (null, 3_000_000_000), (null, 0), (100_000_000_000, null), (7_000_000_000, 7_000_000_000),
        };
        foreach (var metric in new[] { "downloads", "likes", "count" })
        {
            foreach (var (min, max) in ranges)
            {
                var query = $"snapshot={p.First}" + (min is { } a ? $"&minParameters={a}" : "") + (max is { } b ? $"&maxParameters={b}" : "");
                var inRange = models.Where(m => m.ParameterCount is { } c && (min is null || c >= min) && (max is null || c <= max)).ToList();
                foreach (var k in new[] { 3, 20, 495 })
                {
                    await AssertModelVerseAsync(metrics, query, inRange, metric, k);
                }
                await AssertModelVerseAsync(metrics, query + $"&pipelineTag={tag}", inRange.Where(m => m.PipelineTag == tag), metric, 10);
            }
        }
    }

    [Fact]
    public async Task DataVerse_rankings_by_org_type_equal_a_grouping_of_the_generated_datasets()
    {
        var p = await BuiltAsync();
        var metrics = p.Metrics.CreateClient();
        var orgTypes = await OrgTypesAsync();
        foreach (var metric in new[] { "downloads", "likes", "count" })
        {
            foreach (var orgType in new string?[] { null, "individual", "company", "university" })
            {
                var datasets = p.Hub.Datasets.Where(d => orgType is null || orgTypes.GetValueOrDefault(Owner(d.Id), "individual") == orgType)
                    .ToList();
                double V(DatasetObservation d) => metric switch { "downloads" => d.Downloads, "likes" => d.Likes, _ => 1 };
                var expected = datasets.GroupBy(d => Owner(d.Id)).Select(g => (Org: g.Key, Value: g.Sum(V), Count: g.LongCount()))
                    .OrderByDescending(o => o.Value).ThenBy(o => o.Org, StringComparer.Ordinal).Take(15).ToList();
                var answer = await Json(metrics, $"/api/dataverse/organizations?metric={metric}&k=15&snapshot={p.First}"
                    + (orgType is null ? "" : $"&orgType={orgType}"));
                Assert.Equal(expected, answer.GetProperty("top").EnumerateArray()
                    .Select(o => (o.GetProperty("organization").GetString()!, o.GetProperty("value").GetDouble(),
                        o.GetProperty("datasets").GetInt64())));
                Assert.Equal(datasets.Sum(V), answer.GetProperty("total").GetDouble());
                Assert.Equal(datasets.Count, answer.GetProperty("totalDatasets").GetInt64());
            }
        }
    }

    /// <summary>
    /// Authors reclassified by later overviews, after both snapshots' org-type totals were built (company → individual,
    /// individual → company, company → university, and one moved twice: company → university → individual): every org-type
    /// answer of the first snapshot (ModelVerse totals unfiltered, by tag and by modality, DataVerse totals and its breakdown
    /// by org type) is the one their current types give.
    /// </summary>
    [Fact]
    public async Task Org_type_totals_follow_authors_reclassified_after_the_snapshot_was_built()
    {
        var p = await BuiltAsync();
        var metrics = p.Metrics.CreateClient();
        var before = await OrgTypesAsync();
        string TypeIn(Dictionary<string, string> types, string author) => types.GetValueOrDefault(author, "individual");
        // An enterprise plan makes an author a company, a user account an individual, a university's name a university,
        // unless the curated list says otherwise.
        AuthorOverview Enterprise(string name) => new(name, "org", null, false, true, null, null, null, null, null, null);
        AuthorOverview User(string name) => new(name, "user", null, false, false, null, null, null, null, null, null);
        AuthorOverview University(string name) => new(name, "org", "Example University", false, false, null, null, null, null, null, null);
        var taken = new HashSet<string>();
        List<AuthorOverview> Moving(IEnumerable<string> owners, string from, Func<string, AuthorOverview> overview, int count) =>
            owners.Distinct().Where(a => TypeIn(before, a) == from && !taken.Contains(a)).Select(overview)
                .Where(o => OrgTypes.Classify(o.Name, o) != from).Take(count).Where(o => taken.Add(o.Name)).ToList();
        var modelOwners = p.FirstModels.OrderByDescending(m => m.Downloads).Select(m => Owner(m.Id)).ToList();
        var datasetOwners = p.Hub.Datasets.OrderByDescending(d => d.Downloads).Select(d => Owner(d.Id)).ToList();
        var first = Moving(modelOwners, "company", User, 2).Concat(Moving(modelOwners, "individual", Enterprise, 2))
            .Concat(Moving(modelOwners, "company", University, 2))
            .Concat(Moving(datasetOwners, "company", User, 2)).Concat(Moving(datasetOwners, "individual", Enterprise, 2)).ToList();
        Assert.True(first.Count >= 9, $"authors to reclassify: {string.Join(", ", first.Select(o => o.Name))}");
        var twice = first.First(o => o.Fullname == "Example University").Name;

        // Later crawls' overview pages: their snapshots are others, and the first snapshot's aggregates are not rebuilt.
        await p.Bus.Publish(new OrganizationsObserved(Guid.NewGuid(), 1, MetricsFixture.IncrementalAt.AddDays(1), first));
        await Eventually.GetAsync(async () => TypeIn(await OrgTypesAsync(), twice), t => t == "university", Patience, $"{twice} a university");
        await p.Bus.Publish(new OrganizationsObserved(Guid.NewGuid(), 1, MetricsFixture.IncrementalAt.AddDays(2), [User(twice)]));
        await Eventually.GetAsync(async () => TypeIn(await OrgTypesAsync(), twice), t => t == "individual", Patience, $"{twice} an individual");
        var after = await OrgTypesAsync();
        Assert.All(first, o => Assert.NotEqual(TypeIn(before, o.Name), TypeIn(after, o.Name)));
        Assert.Equal(0, await platform.Database.CountAsync(
            $"metrics.snapshots WHERE id = '{p.First}' AND (org_types_read_at IS NULL OR org_types_read_at >= (SELECT min(org_type_changed_at) " +
            $"FROM metrics.organizations WHERE name = ANY(ARRAY['{string.Join("','", first.Select(o => o.Name))}'])))"));

        var models = p.FirstModels;
        var tag = MostCommonTag(models);
        // Every URL carries "reclassified": the response cache must not answer with what an earlier test asked before the moves.
        foreach (var metric in new[] { "downloads", "likes", "count" })
        {
            foreach (var orgType in new[] { "company", "individual", "university" })
            {
                bool Of(ModelObservation m) => TypeIn(after, Owner(m.Id)) == orgType;
                foreach (var (query, selected) in new (string, Func<ModelObservation, bool>)[]
                         {
                             ("", Of), ($"&pipelineTag={tag}", m => m.PipelineTag == tag && Of(m)),
                             ("&modality=natural-language-processing", m => Nlp.Contains(m.PipelineTag) && Of(m)),
                             ($"&pipelineTag={tag}&modality=natural-language-processing", m => m.PipelineTag == tag && Nlp.Contains(tag) && Of(m)),
                             ($"&pipelineTag={tag}&modality=audio", _ => false),
                         })
                {
                    await AssertModelVerseAsync(metrics, $"snapshot={p.First}&orgType={orgType}{query}&reclassified=1", models.Where(selected),
                        metric, 5);
                }
                var datasets = p.Hub.Datasets.Where(d => TypeIn(after, Owner(d.Id)) == orgType).ToList();
                var answer = await Json(metrics,
                    $"/api/dataverse/organizations?metric={metric}&k=5&snapshot={p.First}&orgType={orgType}&reclassified=1");
                Assert.Equal(datasets.Sum(d => DatasetValue(d, metric)), answer.GetProperty("total").GetDouble());
                Assert.Equal(datasets.Count, answer.GetProperty("totalDatasets").GetInt64());
            }
            var breakdown = await Json(metrics, $"/api/dataverse/breakdown?by=orgType&metric={metric}&snapshot={p.First}&reclassified=1");
            var expected = p.Hub.Datasets.GroupBy(d => TypeIn(after, Owner(d.Id)))
                .ToDictionary(g => g.Key, g => (Value: g.Sum(d => DatasetValue(d, metric)), Datasets: g.LongCount()));
            Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), breakdown.GetProperty("items").EnumerateArray()
                .Select(i => KeyValuePair.Create(i.GetProperty("key").GetString()!,
                    (i.GetProperty("value").GetDouble(), i.GetProperty("datasets").GetInt64())))
                .OrderBy(e => e.Key, StringComparer.Ordinal));
        }
    }

    /// <summary>The service's sessions start with JIT compilation off (DatabaseExtensions.WithoutJit says why).</summary>
    [Fact]
    public async Task Service_sessions_run_statements_without_jit_compilation()
    {
        var p = await BuiltAsync();
        await using var scope = p.Metrics.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MetricsDbContext>();
        Assert.Equal("off", await db.Database.SqlQuery<string>($"""SELECT current_setting('jit') AS "Value" """).SingleAsync());
    }

    private static double DatasetValue(DatasetObservation d, string metric) => metric switch
    {
        "downloads" => d.Downloads,
        "likes" => d.Likes,
        _ => 1,
    };

    [Fact]
    public async Task HeatMap_ranking_of_every_window_equals_a_grouping_of_the_raw_creation_dates()
    {
        var p = await BuiltAsync();
        var metrics = p.Metrics.CreateClient();
        var orgTypes = await OrgTypesAsync();
        var to = DateOnly.FromDateTime(MetricsFixture.FirstAt.UtcDateTime);
        var created = p.FirstModels.Select(m => (Author: Owner(m.Id), m.CreatedAt, Kind: "model"))
            .Concat(p.Hub.Datasets.Select(d => (Author: Owner(d.Id), d.CreatedAt, Kind: "dataset")))
            .Concat(p.Hub.Spaces.Select(s => (Author: Owner(s.Id), s.CreatedAt, Kind: "space")))
            .Where(r => r.CreatedAt is not null)
            .Select(r => (r.Author, Day: DateOnly.FromDateTime(r.CreatedAt!.Value.UtcDateTime), r.Kind))
            .ToList();
        Assert.True(created.Select(r => r.Author).Distinct().Count() > ActivityRanks.Kept,
            "more authors than a window keeps, so the cut is exercised");
        foreach (var weeks in new[] { 1, 2, 3, 5, 13, 26, 52, 53, 104, 260, 520 })
        {
            var from = to.AddDays(1 - weeks * 7);
            var window = created.Where(r => r.Day >= from && r.Day <= to).ToList();
            foreach (var orgType in new string?[] { null, "company", "non-profit", "university" })
            {
                foreach (var k in new[] { 1, 20, 500 })
                {
                    var expected = window.Where(r => orgType is null || orgTypes.GetValueOrDefault(r.Author, "individual") == orgType)
                        .GroupBy(r => r.Author)
                        .Select(g => (Name: g.Key, Models: g.LongCount(r => r.Kind == "model"), Datasets: g.LongCount(r => r.Kind == "dataset"),
                            Spaces: g.LongCount(r => r.Kind == "space"), Total: g.LongCount(),
                            ActiveDays: g.Select(r => r.Day).Distinct().LongCount()))
                        .OrderByDescending(r => r.Total).ThenBy(r => r.Name, StringComparer.Ordinal).Take(k).ToList();
                    var answer = await Json(metrics, $"/api/heatmap/ranking?k={k}&weeks={weeks}&snapshot={p.First}"
                        + (orgType is null ? "" : $"&orgType={orgType}"));
                    var got = answer.EnumerateArray()
                        .Select(r => (r.GetProperty("name").GetString()!, r.GetProperty("models").GetInt64(), r.GetProperty("datasets").GetInt64(),
                        r.GetProperty("spaces").GetInt64(), r.GetProperty("total").GetInt64(), r.GetProperty("activeDays").GetInt64())).ToList();
                    Assert.True(expected.SequenceEqual(got),
                        $"{weeks} weeks, {orgType ?? "any org type"}, k={k}: expected {string.Join(", ", expected.Take(3))} …, got " +
                        $"{string.Join(", ", got.Take(3))} …");
                    Assert.All(answer.EnumerateArray(),
                        r => Assert.Equal(orgTypes.GetValueOrDefault(r.GetProperty("name").GetString()!, "individual"),
                            r.GetProperty("orgType").GetString()));
                }
            }
        }
    }

    [Fact]
    public async Task Parameter_bucket_totals_add_up_like_the_raw_models_per_size_class()
    {
        var p = await BuiltAsync();
        long[] lowest = [1, 100_000_000, 1_000_000_000, 3_000_000_000, 10_000_000_000, 30_000_000_000, 100_000_000_000];
        var expected = p.FirstModels.Where(m => m.ParameterCount > 0)
            .GroupBy(m => $"{Owner(m.Id)}|{Array.FindLastIndex(lowest, l => m.ParameterCount >= l)}")
            .Select(g => $"{g.Key}|{g.Count()}|{g.Sum(m => m.Downloads)}|{g.Sum(m => m.DownloadsAllTime ?? 0)}|{g.Sum(m => m.Likes)}")
            .Order(StringComparer.Ordinal).ToList();
        var stored = (await platform.Database.QueryAsync<string>($"""
            SELECT author || '|' || bucket || '|' || models || '|' || downloads || '|' || downloads_all_time || '|' || likes
            FROM metrics.parameter_bucket_totals WHERE snapshot_id = '{p.First}'
            """)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, stored);
    }

    [Fact]
    public async Task A_snapshot_built_by_the_previous_aggregate_version_reads_its_facts_until_the_backfill_builds_what_it_lacks()
    {
        var p = await BuiltAsync();
        var metrics = p.Metrics.CreateClient();
        string[] added = ["activity_ranks", "model_modality_totals", "pipeline_tag_totals", "model_parameter_facts", "parameter_bucket_totals",
            "parameter_rankings"];
        await using (var connection = new Npgsql.NpgsqlConnection(platform.Database.Admin))
        {
            await connection.OpenAsync();
            // As the RankedAggregates migration leaves a snapshot aggregated before it.
            var sql = string.Concat(added.Select(t => $"DROP TABLE metrics.{t}_{p.Second:N};"))
                + $"UPDATE metrics.snapshots SET aggregates_version = 1 WHERE id = '{p.Second}'";
            await using var command = new Npgsql.NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
        var uncached = $"snapshot={p.Second}&modality=natural-language-processing&x={Guid.NewGuid():N}";
        await AssertModelVerseAsync(metrics, uncached, p.SecondModels.Where(m => Nlp.Contains(m.PipelineTag)), "downloads", 10);

        var backfill = ActivatorUtilities.CreateInstance<AggregateBackfill>(p.Metrics.Services);
        await backfill.StartAsync(CancellationToken.None);
        await backfill.ExecuteTask!;
        Assert.Equal(1,
            await platform.Database.CountAsync($"metrics.snapshots WHERE id = '{p.Second}' AND aggregates_version = {SnapshotAggregates.Version}"));
        foreach (var table in added)
        {
            Assert.Equal(1, await platform.Database.CountAsync($"pg_inherits WHERE inhrelid = 'metrics.{table}_{p.Second:N}'::regclass"));
        }
        await AssertModelVerseAsync(metrics, uncached + "&again=1", p.SecondModels.Where(m => Nlp.Contains(m.PipelineTag)), "downloads", 10);
        await AssertModelVerseAsync(metrics, $"snapshot={p.Second}&minParameters=1000000000&maxParameters=10000000000",
            p.SecondModels.Where(m => m.ParameterCount is >= 1_000_000_000 and <= 10_000_000_000), "downloads", 10);
    }

    [Fact]
    public async Task The_response_cache_answers_again_unless_the_admin_key_asks_for_a_fresh_answer()
    {
        var p = await BuiltAsync();
        var url = $"/api/modelverse/organizations?k=3&snapshot={p.First}&cache={Guid.NewGuid():N}";
        async Task<string> CacheSaysAsync(string? key, bool noCache)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            if (key is not null)
            {
                request.Headers.Add(Microsoft.Extensions.Hosting.AdminKey.Header, key);
            }
            if (noCache)
            {
                request.Headers.CacheControl = new CacheControlHeaderValue { NoCache = true };
            }
            using var response = await p.Metrics.CreateClient().SendAsync(request);
            response.EnsureSuccessStatusCode();
            return response.Headers.GetValues(Microsoft.Extensions.Hosting.ResponseCache.Header).Single();
        }
        Assert.Equal("miss", await CacheSaysAsync(null, false));
        Assert.Equal("hit", await CacheSaysAsync(null, false));
        Assert.Equal("hit", await CacheSaysAsync(null, true));
        Assert.Equal("hit", await CacheSaysAsync("not-the-key", true));
        Assert.Equal("hit", await CacheSaysAsync(TestAdminKey.Value, false));
        Assert.Equal("miss", await CacheSaysAsync(TestAdminKey.Value, true));
    }

    private static async Task<JsonElement> Json(HttpClient http, string url)
    {
        using var response = await http.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
