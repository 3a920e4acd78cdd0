using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HubPlatform.Contracts;
using HubPlatform.HubEmulator.Hub.Synthetic;
using HubPlatform.Metrics.Infrastructure;
using HubPlatform.Tests.Support;
using Parquet;

namespace HubPlatform.Tests.Metrics.Integration;

/// <summary>
/// DataVerse, HeatMap, organizations, summary, trends, lifecycles and exports, checked against
/// groupings of the raw events computed here (never with the service's code), and the generated
/// hub's own knowledge of what kind each author is.
/// </summary>
[Collection(ServersCollection.Name)]
public class MetricsTests(MetricsFixture platform) : IClassFixture<MetricsFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    private static string Owner(string id) => id.Split('/')[0];

    private static string[] TagValues(DatasetObservation d, string prefix) =>
        d.Tags.Where(t => t.StartsWith(prefix + ":", StringComparison.Ordinal)).Select(t => t[(prefix.Length + 1)..]).ToArray();

    private static readonly Dictionary<AuthorKind, string> OrgTypeOf = new()
    {
        [AuthorKind.Individual] = "individual", [AuthorKind.Company] = "company", [AuthorKind.University] = "university",
        [AuthorKind.ResearchInstitute] = "research-institute", [AuthorKind.NonProfit] = "non-profit", [AuthorKind.CommunityGroup] = "community",
    };

    [Fact]
    public async Task DataVerse_ranks_and_breaks_down_datasets_like_a_grouping_of_the_generated_hub()
    {
        var metrics = platform.Metrics.CreateClient();
        var datasets = platform.Hub.Datasets;
        var q = $"snapshot={platform.First}";

        var expected = datasets.GroupBy(d => Owner(d.Id)).Select(g => (Org: g.Key, Value: (double)g.Sum(d => d.Downloads), Count: g.LongCount()))
            .OrderByDescending(o => o.Value).ThenBy(o => o.Org, StringComparer.Ordinal).ToList();
        var ranking = await Json(metrics, $"/api/dataverse/organizations?metric=downloads&k=5&{q}");
        Assert.Equal(expected.Take(5).Select(o => (o.Org, o.Value, o.Count)),
            ranking.GetProperty("top").EnumerateArray()
            .Select(o => (o.GetProperty("organization").GetString()!, o.GetProperty("value").GetDouble(), o.GetProperty("datasets").GetInt64())));
        Assert.Equal(expected.Skip(5).Sum(o => o.Value), ranking.GetProperty("others").GetProperty("value").GetDouble());
        Assert.Equal(datasets.Count, ranking.GetProperty("totalDatasets").GetInt64());
        Assert.Equal(expected[0].Value / expected.Sum(o => o.Value), ranking.GetProperty("top")[0].GetProperty("share").GetDouble(), 9);

        var treemap = await Json(metrics, $"/api/dataverse/treemap?metric=likes&k=2&datasetsPerOrganization=3&{q}");
        var topByLikes = datasets.GroupBy(d => Owner(d.Id)).OrderByDescending(g => g.Sum(d => d.Likes)).ThenBy(g => g.Key, StringComparer.Ordinal)
            .First();
        Assert.Equal(topByLikes.Key, treemap[0].GetProperty("organization").GetString());
        Assert.Equal(topByLikes.OrderByDescending(d => d.Likes).Take(3).Select(d => (double)d.Likes),
            treemap[0].GetProperty("datasets").EnumerateArray().Select(d => d.GetProperty("value").GetDouble()));

        await AssertBreakdownsAsync(metrics, q, datasets);

        // Org types against what the generator knows each author to be.
        var byOrgType = Items(await Json(metrics, $"/api/dataverse/breakdown?by=orgType&metric=count&{q}")).ToDictionary(i => i.Key, i => i.Datasets);
        var expectedOrgTypes = datasets.GroupBy(d => OrgTypeOf[platform.Hub.Kinds[Owner(d.Id)]]).ToDictionary(g => g.Key, g => g.LongCount());
        Assert.Equal(expectedOrgTypes.OrderBy(e => e.Key), byOrgType.OrderBy(e => e.Key));
        var universities = await Json(metrics, $"/api/dataverse/organizations?metric=count&k=500&orgType=university&{q}");
        Assert.Equal(expectedOrgTypes.GetValueOrDefault("university"), universities.GetProperty("totalDatasets").GetInt64());

        var benchmarks = await Json(metrics, $"/api/dataverse/top?k=10&benchmark=true&{q}");
        var expectedBenchmarks = datasets.Where(d => d.Tags.Contains("benchmark")).OrderByDescending(d => d.Downloads).Take(10).ToList();
        Assert.Equal(expectedBenchmarks.Select(d => d.Downloads), benchmarks.EnumerateArray().Select(d => d.GetProperty("downloads").GetInt64()));
        Assert.All(benchmarks.EnumerateArray(), d => Assert.True(d.GetProperty("isBenchmark").GetBoolean()));
        var top = await Json(metrics, $"/api/dataverse/top?k=3&{q}");
        Assert.Equal(datasets.OrderByDescending(d => d.Downloads).Take(3).Select(d => d.Downloads),
            top.EnumerateArray().Select(d => d.GetProperty("downloads").GetInt64()));
    }

    [Fact]
    public async Task Org_types_follow_the_generated_authors_kinds()
    {
        var metrics = platform.Metrics.CreateClient();
        var sample = platform.Hub.Kinds.GroupBy(k => k.Value).SelectMany(g => g.Select(k => k.Key).Order(StringComparer.Ordinal).Take(4)).ToList();
        Assert.True(sample.Count >= 12, $"only {sample.Count} authors to check");
        foreach (var name in sample)
        {
            var org = await Json(metrics, $"/api/organizations/{name}?snapshot={platform.First}");
            Assert.True(OrgTypeOf[platform.Hub.Kinds[name]] == org.GetProperty("orgType").GetString(), $"{name}: {org}");
        }
        var meta = await Json(metrics, $"/api/organizations/meta-llama?snapshot={platform.First}");
        Assert.Equal("meta", meta.GetProperty("providerGroup").GetString());
        Assert.Equal("company", meta.GetProperty("orgType").GetString());
    }

    [Fact]
    public async Task HeatMap_counts_repos_created_per_day_like_the_raw_dates()
    {
        var metrics = platform.Metrics.CreateClient();
        var to = DateOnly.FromDateTime(MetricsFixture.FirstAt.UtcDateTime);
        var from = to.AddDays(-(52 * 7 - 1));
        var created = platform.FirstModels.Select(m => (Author: Owner(m.Id), m.CreatedAt, Kind: "model"))
            .Concat(platform.Hub.Datasets.Select(d => (Author: Owner(d.Id), d.CreatedAt, Kind: "dataset")))
            .Concat(platform.Hub.Spaces.Select(s => (Author: Owner(s.Id), s.CreatedAt, Kind: "space")))
            .Where(r => r.CreatedAt is { } c && DateOnly.FromDateTime(c.UtcDateTime) >= from && DateOnly.FromDateTime(c.UtcDateTime) <= to)
            .Select(r => (r.Author, Day: DateOnly.FromDateTime(r.CreatedAt!.Value.UtcDateTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                r.Kind))
            .ToList();
        var busiest = created.GroupBy(r => r.Author).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First();

        var heatmap = await Json(metrics, $"/api/heatmap/organizations/{busiest.Key}?weeks=52&snapshot={platform.First}");
        Assert.Equal(from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), heatmap.GetProperty("from").GetString());
        Assert.Equal(busiest.Count(), heatmap.GetProperty("total").GetInt64());
        Assert.Equal(busiest.GroupBy(r => r.Day).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => (g.Key, g.LongCount(r => r.Kind == "model"), g.LongCount(r => r.Kind == "dataset"),
                    g.LongCount(r => r.Kind == "space"))),
            heatmap.GetProperty("days").EnumerateArray().Select(d => (d.GetProperty("date").GetString()!, d.GetProperty("models").GetInt64(),
                d.GetProperty("datasets").GetInt64(), d.GetProperty("spaces").GetInt64())));

        var datasetsOnly = await Json(metrics, $"/api/heatmap/organizations/{busiest.Key}?weeks=52&repoType=dataset&snapshot={platform.First}");
        Assert.Equal(busiest.Count(r => r.Kind == "dataset"), datasetsOnly.GetProperty("total").GetInt64());

        var meta = await Json(metrics, $"/api/heatmap/organizations/meta?weeks=52&snapshot={platform.First}");
        Assert.True(meta.GetProperty("isProviderGroup").GetBoolean());
        Assert.Equal(created.Count(r => r.Author.Equals("facebook", StringComparison.OrdinalIgnoreCase)
            || r.Author.Equals("meta-llama", StringComparison.OrdinalIgnoreCase)),
            meta.GetProperty("total").GetInt64());

        var ranking = await Json(metrics, $"/api/heatmap/ranking?k=5&weeks=52&snapshot={platform.First}");
        var expected = created.GroupBy(r => r.Author)
            .Select(g => (Name: g.Key, Total: g.LongCount(), ActiveDays: g.Select(r => r.Day).Distinct().LongCount()))
            .OrderByDescending(r => r.Total).ThenBy(r => r.Name, StringComparer.Ordinal).Take(5);
        Assert.Equal(expected,
            ranking.EnumerateArray()
                .Select(r => (r.GetProperty("name").GetString()!, r.GetProperty("total").GetInt64(), r.GetProperty("activeDays").GetInt64())));
    }

    [Fact]
    public async Task Organizations_and_the_summary_add_up_like_the_raw_events()
    {
        var metrics = platform.Metrics.CreateClient();
        var repos = platform.FirstModels.Select(m => (Author: Owner(m.Id), Kind: "model", m.Downloads, m.Likes))
            .Concat(platform.Hub.Datasets.Select(d => (Author: Owner(d.Id), Kind: "dataset", d.Downloads, d.Likes)))
            .Concat(platform.Hub.Spaces.Select(s => (Author: Owner(s.Id), Kind: "space", Downloads: 0L, s.Likes)))
            .ToList();
        var expected = repos.GroupBy(r => r.Author)
            .Select(g => (Name: g.Key, Models: g.LongCount(r => r.Kind == "model"), Datasets: g.LongCount(r => r.Kind == "dataset"),
                Spaces: g.LongCount(r => r.Kind == "space"), Downloads: g.Sum(r => r.Downloads), Likes: g.Sum(r => r.Likes)))
            .OrderByDescending(o => o.Downloads).ToList();
        var list = await Json(metrics, $"/api/organizations?k=10&snapshot={platform.First}");
        Assert.Equal(expected.Take(10).Select(o => o.Downloads), list.EnumerateArray().Select(o => o.GetProperty("downloads").GetInt64()));
        foreach (var o in list.EnumerateArray())
        {
            var e = expected.Single(x => x.Name == o.GetProperty("name").GetString());
            Assert.Equal((e.Models, e.Datasets, e.Spaces, e.Likes),
                (o.GetProperty("models").GetInt64(), o.GetProperty("datasets").GetInt64(), o.GetProperty("spaces").GetInt64(),
                o.GetProperty("likes").GetInt64()));
        }
        var searched = await Json(metrics, $"/api/organizations?search=goog&k=50&snapshot={platform.First}");
        Assert.Equal(expected.Where(o => o.Name.Contains("goog", StringComparison.OrdinalIgnoreCase)).Select(o => o.Name).Order(),
            searched.EnumerateArray().Select(o => o.GetProperty("name").GetString()!).Order());

        var google = await Json(metrics, $"/api/organizations/Google?snapshot={platform.First}");
        var g = expected.Single(x => x.Name == "google");
        Assert.Equal((g.Models, g.Datasets, g.Spaces, g.Downloads),
            (google.GetProperty("models").GetInt64(), google.GetProperty("datasets").GetInt64(),
            google.GetProperty("spaces").GetInt64(), google.GetProperty("downloads").GetInt64()));
        Assert.Equal(platform.FirstModels.Where(m => Owner(m.Id) == "google").Max(m => m.Downloads),
            google.GetProperty("topModels")[0].GetProperty("downloads").GetInt64());

        var summary = await Json(metrics, $"/api/summary?snapshot={platform.First}");
        var models = platform.FirstModels;
        Assert.Equal(models.Count, summary.GetProperty("models").GetInt64());
        Assert.Equal(platform.Hub.Datasets.Count, summary.GetProperty("datasets").GetInt64());
        Assert.Equal(platform.Hub.Spaces.Count, summary.GetProperty("spaces").GetInt64());
        Assert.Equal(repos.Select(r => r.Author).Distinct().Count(), summary.GetProperty("organizations").GetInt64());
        Assert.Equal((double)models.Count(m => m.BaseModels.Count > 0) / models.Count, summary.GetProperty("derivativeShare").GetDouble(), 9);
        var modelDownloads = models.Sum(m => m.Downloads);
        var topOrg = models.GroupBy(m => Owner(m.Id)).OrderByDescending(x => x.Sum(m => m.Downloads)).First();
        Assert.Equal(topOrg.Key, summary.GetProperty("topOrganizations")[0].GetProperty("name").GetString());
        Assert.Equal((double)topOrg.Sum(m => m.Downloads) / modelDownloads,
            summary.GetProperty("topOrganizations")[0].GetProperty("share").GetDouble(), 9);
        Assert.Equal(modelDownloads, summary.GetProperty("downloadsByOrgType").EnumerateArray().Sum(t => t.GetProperty("downloads").GetInt64()));
        Assert.Equal(models.Count, summary.GetProperty("modalities").EnumerateArray().Sum(m => m.GetProperty("models").GetInt64()));
        Assert.Equal(models.Count(m => m.PipelineTag == "text-generation" || m.PipelineTag == "text2text-generation" || m.PipelineTag == "fill-mask"
                || m.PipelineTag == "text-classification" || m.PipelineTag == "token-classification" || m.PipelineTag == "question-answering"
                || m.PipelineTag == "feature-extraction" || m.PipelineTag == "sentence-similarity" || m.PipelineTag == "summarization"
                || m.PipelineTag == "translation" || m.PipelineTag == "zero-shot-classification" || m.PipelineTag == "table-question-answering"
                || m.PipelineTag == "text-ranking"),
            summary.GetProperty("modalities").EnumerateArray().Single(m => m.GetProperty("modality").GetString() == "natural-language-processing")
            .GetProperty("models").GetInt64());
    }

    [Fact]
    public async Task Trends_follow_a_model_and_an_organization_across_snapshots_and_count_churn()
    {
        var metrics = platform.Metrics.CreateClient();
        var phi = await Json(metrics, "/api/trends/models/microsoft/phi-2");
        var downloads = platform.FirstModels.Single(m => m.Id == "microsoft/phi-2").Downloads;
        Assert.Equal([(platform.First.ToString(), downloads), (platform.Second.ToString(), downloads * 2)],
            phi.GetProperty("points").EnumerateArray()
            .Select(p => (p.GetProperty("snapshotId").GetString()!, p.GetProperty("downloads").GetInt64())));

        var microsoft = await Json(metrics, "/api/trends/organizations/microsoft");
        Assert.Equal([platform.FirstModels.Count(m => Owner(m.Id) == "microsoft"), platform.SecondModels.Count(m => Owner(m.Id) == "microsoft")],
            microsoft.GetProperty("points").EnumerateArray().Select(p => (int)p.GetProperty("models").GetInt64()));

        // The incremental crawl is no point of an organization's trend (it saw only what changed).
        Assert.DoesNotContain(microsoft.GetProperty("points").EnumerateArray(),
            p => p.GetProperty("snapshotId").GetString() == platform.Incremental.ToString());

        // A model the incremental crawl saw again has three points, each saying its kind.
        var revisited = platform.IncrementalModels[0];
        var trend = await Json(metrics, $"/api/trends/models/{revisited.Id}");
        Assert.Equal([("Full", platform.FirstModels.Single(m => m.Id == revisited.Id).Downloads),
            ("Full", platform.SecondModels.Single(m => m.Id == revisited.Id).Downloads),
                ("Incremental", revisited.Downloads)],
            trend.GetProperty("points").EnumerateArray().Select(p => (p.GetProperty("kind").GetString()!, p.GetProperty("downloads").GetInt64())));

        // Added: never seen by an earlier snapshot of any kind; removed: only a full snapshot can tell.
        var churn = await Json(metrics, "/api/trends/churn");
        var firstIds = platform.FirstModels.Select(m => m.Id).ToHashSet();
        var secondIds = platform.SecondModels.Select(m => m.Id).ToHashSet();
        var incrementalIds = platform.IncrementalModels.Select(m => m.Id).ToHashSet();
        Assert.Equal([("Full", firstIds.Count, firstIds.Count, (long?)0),
            ("Full", secondIds.Count, secondIds.Count(id => !firstIds.Contains(id)), firstIds.Count(id => !secondIds.Contains(id))),
                ("Incremental", incrementalIds.Count, incrementalIds.Count(id => !firstIds.Contains(id) && !secondIds.Contains(id)), null)],
            churn.EnumerateArray()
            .Select(p => (p.GetProperty("kind").GetString()!, (int)p.GetProperty("total").GetInt64(), (int)p.GetProperty("added").GetInt64(),
                p.GetProperty("removed").ValueKind == JsonValueKind.Null ? (long?)null : p.GetProperty("removed").GetInt64())));

        // The snapshot list can keep to one kind, so hourly crawls do not crowd out the weekly ones.
        var full = await Json(metrics, "/api/snapshots?kind=Full");
        Assert.Equal([platform.Second.ToString(), platform.First.ToString()], full.EnumerateArray().Select(x => x.GetProperty("id").GetString()!));

        var growth = await Json(metrics, "/api/trends/growth?repoType=dataset");
        var months = platform.Hub.Datasets.Where(d => d.CreatedAt is not null)
            .GroupBy(d => d.CreatedAt!.Value.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture))
            .OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => (g.Key, (long)g.Count())).ToList();
        Assert.Equal(months, growth.EnumerateArray().Select(m => (m.GetProperty("month").GetString()!, m.GetProperty("created").GetInt64())));
        Assert.Equal(platform.Hub.Datasets.Count(d => d.CreatedAt is not null),
            growth[growth.GetArrayLength() - 1].GetProperty("cumulative").GetInt64());
    }

    [Fact]
    public async Task Lifecycles_group_downloads_by_cohort_and_age_like_the_raw_facts()
    {
        // The latest full snapshot is the second: the incremental crawl after it counts for nothing.
        await AssertLifecyclesAsync("/api/lifecycles?cohort=quarter", platform.FirstModels.Select(m => (Model: m, At: MetricsFixture.FirstAt))
            .Concat(platform.SecondModels.Select(m => (Model: m, At: MetricsFixture.SecondAt))));
        // Asked for the first snapshot, the answer knows nothing of the second.
        await AssertLifecyclesAsync($"/api/lifecycles?cohort=quarter&snapshot={platform.First}",
            platform.FirstModels.Select(m => (Model: m, At: MetricsFixture.FirstAt)));
    }

    private async Task AssertLifecyclesAsync(string url, IEnumerable<(ModelObservation Model, DateTimeOffset At)> observed)
    {
        var metrics = platform.Metrics.CreateClient();
        var facts = observed
            .Where(f => f.Model.CreatedAt is { } c && c <= f.At)
            .Select(f => (f.Model.Id, Cohort: $"{f.Model.CreatedAt!.Value.UtcDateTime.Year}-Q{(f.Model.CreatedAt.Value.UtcDateTime.Month + 2) / 3}",
                Age: (int)Math.Floor((f.At - f.Model.CreatedAt.Value).TotalSeconds / 604800), f.Model.Downloads))
            .ToList();
        var lifecycles = await Json(metrics, url);
        var cohorts = lifecycles.GetProperty("cohorts").EnumerateArray().ToDictionary(c => c.GetProperty("cohort").GetString()!);
        Assert.Equal(facts.Select(f => f.Cohort).Distinct().Order(StringComparer.Ordinal), cohorts.Keys.Order(StringComparer.Ordinal));
        foreach (var group in facts.GroupBy(f => f.Cohort))
        {
            var cohort = cohorts[group.Key];
            Assert.Equal(group.Select(f => f.Id).Distinct().Count(), cohort.GetProperty("models").GetInt64());
            var expected = group.GroupBy(f => f.Age).OrderBy(a => a.Key)
                .Select(a => (a.Key, Median(a.Select(f => (double)f.Downloads)), (double)a.Count(f => f.Downloads > 0) / a.Count())).ToList();
            var actual = cohort.GetProperty("points").EnumerateArray()
                .Select(p => (p.GetProperty("ageWeeks").GetInt32(), p.GetProperty("medianDownloads").GetDouble(),
                    p.GetProperty("shareDownloaded").GetDouble())).ToList();
            Assert.Equal(expected.Count, actual.Count);
            for (var i = 0; i < expected.Count; i++)
            {
                Assert.Equal(expected[i].Key, actual[i].Item1);
                Assert.Equal(expected[i].Item2, actual[i].Item2, 6);
                Assert.Equal(expected[i].Item3, actual[i].Item3, 9);
            }
        }
        // Fading: phi-2 doubled, so nothing the second snapshot saw fell below a tenth of its peak except... none.
        Assert.All(lifecycles.GetProperty("fading").EnumerateArray(),
            f => Assert.True(f.GetProperty("downloads").GetInt64() * 10 < f.GetProperty("peak").GetInt64()));
    }

    [Fact]
    public async Task Exports_stream_any_snapshot_as_csv_and_parquet()
    {
        var metrics = platform.Metrics.CreateClient();
        using var csvResponse = await metrics.GetAsync($"/api/exports/{platform.First}/datasets.csv");
        Assert.Equal(HttpStatusCode.OK, csvResponse.StatusCode);
        Assert.Equal("text/csv", csvResponse.Content.Headers.ContentType!.MediaType);
        var rows = ParseCsv(await csvResponse.Content.ReadAsStringAsync());
        var header = rows[0];
        Assert.Equal(platform.Hub.Datasets.Count, rows.Count - 1);
        var id = Array.IndexOf(header, "id");
        var downloadsColumn = Array.IndexOf(header, "downloads");
        var tasks = Array.IndexOf(header, "task_categories");
        var byId = platform.Hub.Datasets.ToDictionary(d => d.Id);
        foreach (var row in rows.Skip(1))
        {
            var d = byId[row[id]];
            Assert.Equal(d.Downloads, long.Parse(row[downloadsColumn], CultureInfo.InvariantCulture));
            Assert.Equal(string.Join(';', TagValues(d, "task_categories")), row[tasks]);
        }

        using var parquetResponse = await metrics.GetAsync("/api/exports/latest/models.parquet");
        Assert.Equal(HttpStatusCode.OK, parquetResponse.StatusCode);
        using var parquet = new MemoryStream(await parquetResponse.Content.ReadAsByteArrayAsync());
        await using var reader = await ParquetReader.CreateAsync(parquet);
        var ids = new List<string>();
        var downloads = new List<long?>();
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var n = (int)group.RowCount;
            var idValues = new string?[n];
            var downloadValues = new long?[n];
            await group.ReadAsync(reader.Schema.FindDataField("id"), idValues.AsMemory());
            await group.ReadAsync<long>(reader.Schema.FindDataField("downloads"), downloadValues.AsMemory());
            ids.AddRange(idValues.Select(v => v!));
            downloads.AddRange(downloadValues);
        }
        var second = platform.SecondModels.ToDictionary(m => m.Id);
        Assert.Equal(second.Keys.Order(StringComparer.Ordinal), ids.Order(StringComparer.Ordinal));
        Assert.All(ids.Zip(downloads), x => Assert.Equal(second[x.First].Downloads, x.Second));

        using var spaces = await metrics.GetAsync($"/api/exports/{platform.Second}/spaces.csv");
        Assert.Equal(platform.Hub.Spaces.Count, ParseCsv(await spaces.Content.ReadAsStringAsync()).Count - 1);
        using var missing = await metrics.GetAsync($"/api/exports/{Guid.NewGuid()}/models.csv");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Replaying_a_whole_snapshot_changes_nothing()
    {
        var tables = new[] { "metrics.models", "metrics.model_facts", "metrics.datasets", "metrics.dataset_facts", "metrics.spaces",
            "metrics.space_facts",
            "metrics.organizations", "metrics.snapshot_pages", "metrics.organizations WHERE org_type = 'company'",
            "metrics.datasets WHERE is_benchmark" };
        async Task<Dictionary<string, long>> CountsAsync()
        {
            var counts = new Dictionary<string, long>();
            foreach (var table in tables)
            {
                counts[table] = await platform.Database.CountAsync(table);
            }
            return counts;
        }
        var before = await CountsAsync();
        Assert.Equal(platform.Hub.Datasets.Count(d => d.Tags.Contains("benchmark")), before["metrics.datasets WHERE is_benchmark"]);
        var metrics = platform.Metrics.CreateClient();
        var summaryBefore = (await Json(metrics, $"/api/summary?snapshot={platform.First}")).GetRawText();

        foreach (var page in platform.Pages(platform.First, platform.FirstModels, MetricsFixture.FirstAt))
        {
            await platform.Bus.Publish(page, page.GetType());
        }
        foreach (var queue in new[] { "metrics-models-observed", "metrics-datasets-observed", "metrics-spaces-observed",
            "metrics-organizations-observed" })
        {
            await Eventually.GetAsync(() => platform.Rabbit.MessagesAsync(platform.VirtualHost, queue), n => n == 0, Patience, $"{queue} to drain");
        }
        Assert.Equal(before, await CountsAsync());
        Assert.Equal(summaryBefore, (await Json(metrics, $"/api/summary?snapshot={platform.First}")).GetRawText());
    }

    [Fact]
    public async Task Facts_live_in_one_partition_per_snapshot()
    {
        foreach (var (table, kinds) in new[] { ("model_facts", 3), ("dataset_facts", 2), ("space_facts", 2) })
        {
            // Every snapshot got a partition of every fact table (made by its first page or its SnapshotStarted).
            // (The incremental crawl has no dataset or space pages: its SnapshotStarted makes those, and may be consumed after its pages.)
            var expected = new[] { platform.First, platform.Second, platform.Incremental }.Select(x => $"{table}_{x:N}")
                .Order(StringComparer.Ordinal).ToList();
            await Eventually.GetAsync(async () => await PartitionsAsync(table), names => names.SequenceEqual(expected), Patience,
                $"a partition of {table} per snapshot");
            // The parent is partitioned and holds no rows itself; each partition holds exactly its snapshot's rows.
            Assert.Equal(1, await platform.Database.CountAsync($"pg_class WHERE oid = 'metrics.{table}'::regclass AND relkind = 'p'"));
            Assert.Equal(kinds, await platform.Database.CountAsync($"(SELECT DISTINCT snapshot_id FROM metrics.{table}) x"));
        }
        Assert.Equal(platform.FirstModels.Count, await platform.Database.CountAsync($"metrics.model_facts_{platform.First:N}"));
        Assert.Equal(platform.SecondModels.Count, await platform.Database.CountAsync($"metrics.model_facts_{platform.Second:N}"));
        Assert.Equal(platform.IncrementalModels.Count, await platform.Database.CountAsync($"metrics.model_facts_{platform.Incremental:N}"));
        Assert.Equal(platform.Hub.Spaces.Count, await platform.Database.CountAsync($"metrics.space_facts_{platform.Second:N}"));
        Assert.Equal(platform.Hub.Datasets.Count, await platform.Database.CountAsync($"metrics.dataset_facts_{platform.First:N}"));
    }

    private async Task<List<string>> PartitionsAsync(string table)
    {
        await using var connection = new Npgsql.NpgsqlConnection(platform.Database.Admin);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            $"SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'metrics.{table}'::regclass ORDER BY " +
            "c.relname COLLATE \"C\"", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var names = new List<string>();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }
        return names;
    }

    [Theory]
    [InlineData("/api/snapshots?kind=weekly")]
    [InlineData("/api/dataverse/organizations?metric=vibes")]
    [InlineData("/api/dataverse/organizations?k=0")]
    [InlineData("/api/dataverse/organizations?orgType=cartel")]
    [InlineData("/api/dataverse/treemap?datasetsPerOrganization=1000")]
    [InlineData("/api/dataverse/breakdown?by=colour")]
    [InlineData("/api/dataverse/breakdown?domain=astrology")]
    [InlineData("/api/dataverse/top?k=100000")]
    [InlineData("/api/heatmap/organizations/google?weeks=0")]
    [InlineData("/api/heatmap/organizations/google?repoType=paper")]
    [InlineData("/api/heatmap/ranking?orgType=cartel")]
    [InlineData("/api/organizations?k=-1")]
    [InlineData("/api/organizations?orgType=cartel")]
    [InlineData("/api/modelverse/organizations?orgType=cartel")]
    [InlineData("/api/trends/growth?repoType=paper")]
    [InlineData("/api/trends/churn?repoType=paper")]
    [InlineData("/api/lifecycles?cohort=decade")]
    [InlineData("/api/lifecycles?metric=likes")]
    [InlineData("/api/exports/latest/models.xlsx")]
    [InlineData("/api/exports/latest/papers.csv")]
    [InlineData("/api/exports/yesterday/models.csv")]
    [InlineData("/api/summary?snapshot=not-a-guid")]
    public async Task Bad_parameters_get_problem_details(string url)
    {
        using var response = await platform.Metrics.CreateClient().GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private static IEnumerable<(string Key, double Value, long Datasets)> Items(JsonElement breakdown) =>
        breakdown.GetProperty("items").EnumerateArray()
            .Select(i => (i.GetProperty("key").GetString()!, i.GetProperty("value").GetDouble(), i.GetProperty("datasets").GetInt64()));

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>RFC 4180 rows, quoted fields included.</summary>
    private static List<string[]> ParseCsv(string text)
    {
        var rows = new List<string[]>();
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
            else if (c == '\n') { fields.Add(field.ToString()); field.Clear(); rows.Add(fields.ToArray()); fields.Clear(); }
            else if (c != '\r') field.Append(c);
        }
        return rows;
    }

    [Fact]
    public async Task DataVerse_breakdowns_answer_from_the_aggregates_like_a_grouping_of_the_generated_hub()
    {
        await Eventually.GetAsync(() =>
            platform.Database.CountAsync($"metrics.snapshots WHERE aggregated_at IS NOT NULL AND id = '{platform.First}'"),
            n => n == 1, Patience, "the first snapshot's aggregates");
        var metrics = platform.Metrics.CreateClient();
        var q = $"snapshot={platform.First}";
        await AssertBreakdownsAsync(metrics, q, platform.Hub.Datasets);

        // Single-valued dimensions count every dataset once; the totals are the whole snapshot's whatever the dimension.
        var datasets = platform.Hub.Datasets;
        foreach (var by in new[] { "license", "sizeCategory", "modality", "domain" })
        {
            var likes = await Json(metrics, $"/api/dataverse/breakdown?by={by}&metric=likes&{q}");
            Assert.Equal(datasets.Sum(d => (double)d.Likes), likes.GetProperty("total").GetDouble());
        }
        Assert.Equal(datasets.Count, Items(await Json(metrics, $"/api/dataverse/breakdown?by=sizeCategory&metric=count&{q}")).Sum(i => i.Datasets));
    }

    /// <summary>Breakdowns by task category, license and domain against a grouping of the generated datasets.</summary>
    private static async Task AssertBreakdownsAsync(HttpClient metrics, string q, IReadOnlyList<DatasetObservation> datasets)
    {
        var byTask = await Json(metrics, $"/api/dataverse/breakdown?by=taskCategory&metric=count&{q}");
        var expectedTasks = datasets.SelectMany(d => TagValues(d, "task_categories")).GroupBy(t => t)
            .ToDictionary(g => g.Key, g => (double)g.Count());
        Assert.Equal(expectedTasks.OrderBy(e => e.Key), Items(byTask).ToDictionary(i => i.Key, i => i.Value).OrderBy(e => e.Key));
        Assert.Equal(datasets.Count, byTask.GetProperty("total").GetDouble());

        var byLicense = await Json(metrics, $"/api/dataverse/breakdown?by=license&metric=downloads&{q}");
        var expectedLicenses = datasets.GroupBy(d => TagValues(d, "license").FirstOrDefault() ?? "none")
            .ToDictionary(g => g.Key, g => (double)g.Sum(d => d.Downloads));
        Assert.Equal(expectedLicenses.OrderBy(e => e.Key), Items(byLicense).ToDictionary(i => i.Key, i => i.Value).OrderBy(e => e.Key));

        // Domains: the generator tags a dataset with its domain ("medical" is healthcare); a benchmark it
        // names after MedQA or FinQA is about that domain whatever its tags.
        var byDomain = Items(await Json(metrics, $"/api/dataverse/breakdown?by=domain&metric=count&{q}")).ToDictionary(i => i.Key, i => i.Datasets);
        Assert.Equal(datasets.Count(d => d.Tags.Contains("finance") || d.Id.Split('/')[1].StartsWith("FinQA-", StringComparison.Ordinal)),
            byDomain.GetValueOrDefault("finance"));
        Assert.Equal(datasets.Count(d => d.Tags.Contains("medical") || d.Id.Split('/')[1].StartsWith("MedQA-", StringComparison.Ordinal)),
            byDomain.GetValueOrDefault("healthcare"));
        Assert.True(byDomain["finance"] > 0 && byDomain["healthcare"] > 0);

        // domain=none is the breakdown's "none" bucket, the datasets without a domain, in every view.
        var none = byDomain.GetValueOrDefault("none");
        Assert.True(none > 0 && none < datasets.Count, $"{none} of {datasets.Count} datasets without a domain");
        var onlyNone = Items(await Json(metrics, $"/api/dataverse/breakdown?by=domain&metric=count&domain=none&{q}"));
        Assert.Equal([("none", none)], onlyNone.Select(i => (i.Key, i.Datasets)));
        var organizations = await Json(metrics, $"/api/dataverse/organizations?metric=downloads&k=500&domain=none&{q}");
        Assert.Equal(none, organizations.GetProperty("totalDatasets").GetInt64());
    }

    [Fact]
    public async Task Aggregates_are_built_once_per_ingested_snapshot_and_add_up_like_the_raw_observations()
    {
        var snapshots = new[] { platform.First, platform.Second, platform.Incremental };
        await Eventually.GetAsync(() =>
            platform.Database.CountAsync($"metrics.snapshots WHERE aggregated_at IS NOT NULL AND id IN ('{string.Join("','", snapshots)}')"),
            n => n == 3, Patience, "every ingested snapshot's aggregates");

        // Repos created per author, UTC day and type, from the observations the first snapshot published.
        var created = platform.FirstModels.Select(m => (Author: Owner(m.Id), m.CreatedAt, Type: "model"))
            .Concat(platform.Hub.Datasets.Select(d => (Author: Owner(d.Id), d.CreatedAt, Type: "dataset")))
            .Concat(platform.Hub.Spaces.Select(x => (Author: Owner(x.Id), x.CreatedAt, Type: "space")))
            .Where(r => r.CreatedAt is not null)
            .GroupBy(r => $"{r.Author}|{r.CreatedAt!.Value.UtcDateTime:yyyy-MM-dd}|{r.Type}|{r.Author.ToLowerInvariant()}")
            .Select(g => $"{g.Key}|{g.Count()}").Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(created);
        Assert.Equal(created, await RowsAsync($"""
            SELECT author || '|' || to_char(day, 'YYYY-MM-DD') || '|' || repo_type || '|' || author_key || '|' || repos
            FROM metrics.created_per_day WHERE snapshot_id = '{platform.First}'
            """));

        // Models, downloads, all-time downloads and likes per author and pipeline tag in the second snapshot (phi-2's doubled downloads included).
        var models = platform.SecondModels.GroupBy(m => $"{Owner(m.Id)}|{m.PipelineTag ?? ""}")
            .Select(g => $"{g.Key}|{g.Count()}|{g.Sum(m => m.Downloads)}|{g.Sum(m => m.DownloadsAllTime ?? 0)}|{g.Sum(m => m.Likes)}")
            .Order(StringComparer.Ordinal).ToList();
        Assert.Equal(models, await RowsAsync($"""
            SELECT author || '|' || pipeline_tag || '|' || models || '|' || downloads || '|' || downloads_all_time || '|' || likes
            FROM metrics.model_tag_totals WHERE snapshot_id = '{platform.Second}'
            """));

        var perAuthor = platform.SecondModels.GroupBy(m => Owner(m.Id))
            .Select(g => $"{g.Key}|{g.Count()}|{g.Sum(m => m.Downloads)}|{g.Sum(m => m.DownloadsAllTime ?? 0)}|{g.Sum(m => m.Likes)}")
            .Order(StringComparer.Ordinal).ToList();
        Assert.Equal(perAuthor, await RowsAsync($"""
            SELECT author || '|' || models || '|' || downloads || '|' || downloads_all_time || '|' || likes
            FROM metrics.model_organization_totals WHERE snapshot_id = '{platform.Second}'
            """));

        var datasets = platform.Hub.Datasets.GroupBy(d => Owner(d.Id))
            .Select(g => $"{g.Key}|{g.Count()}|{g.Sum(d => d.Downloads)}|{g.Sum(d => d.DownloadsAllTime ?? 0)}|{g.Sum(d => d.Likes)}")
            .Order(StringComparer.Ordinal).ToList();
        Assert.Equal(datasets, await RowsAsync($"""
            SELECT author || '|' || datasets || '|' || downloads || '|' || downloads_all_time || '|' || likes
            FROM metrics.dataset_organization_totals WHERE snapshot_id = '{platform.First}'
            """));

        // The incremental crawl's aggregates hold only what it saw.
        Assert.Equal(platform.IncrementalModels.Count,
            (await RowsAsync($"SELECT sum(models)::text FROM metrics.model_organization_totals WHERE snapshot_id = '{platform.Incremental}'"))
            .Single() is var n ? long.Parse(n, CultureInfo.InvariantCulture) : 0);
    }

    [Fact]
    public async Task Every_aggregate_partition_arrives_with_its_parents_indexes_and_a_check_of_its_bound()
    {
        await Eventually.GetAsync(
            () => platform.Database.CountAsync($"metrics.snapshots WHERE aggregated_at IS NOT NULL AND id = '{platform.Second}'"),
            n => n == 1, Patience, "the second snapshot's aggregates");
        foreach (var table in SnapshotAggregates.Tables)
        {
            var partition = $"metrics.{SnapshotPartitions.PartitionOf(table, platform.Second)}";
            // Every index the parent declares, attached to the parent's (the lanes build them from the catalog; a missing one ATTACH would build).
            var parentIndexes = await RowsAsync($"SELECT count(*)::text FROM pg_index WHERE indrelid = 'metrics.{table}'::regclass");
            var adopted = await RowsAsync($"""
                SELECT count(*)::text FROM pg_index i JOIN pg_inherits h ON h.inhrelid = i.indexrelid
                WHERE i.indrelid = '{partition}'::regclass
                """);
            Assert.True(parentIndexes.SequenceEqual(adopted),
                $"{table}: {parentIndexes.Single()} indexes on the parent, {adopted.Single()} on its partition");
            // The check that let ATTACH skip reading the rows to prove the bound.
            Assert.Equal([$"CHECK ((snapshot_id = '{platform.Second}'::uuid))"], await RowsAsync($"""
                SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = '{partition}'::regclass AND contype = 'c'
                """));
        }
    }

    [Fact]
    public async Task ModelVerse_answers_from_the_aggregates_like_the_raw_facts_with_and_without_filters()
    {
        await Eventually.GetAsync(() =>
            platform.Database.CountAsync($"metrics.snapshots WHERE aggregated_at IS NOT NULL AND id = '{platform.Second}'"),
            n => n == 1, Patience, "the second snapshot's aggregates");
        var metrics = platform.Metrics.CreateClient();
        var tag = platform.SecondModels.Where(m => m.PipelineTag is not null).GroupBy(m => m.PipelineTag!).OrderByDescending(g => g.Count())
            .First().Key;
        foreach (var (query, models) in new[]
                 {
                     ("", platform.SecondModels.ToList()),
                     ($"&pipelineTag={tag}", platform.SecondModels.Where(m => m.PipelineTag == tag).ToList()),
                     // A creation-date filter is answered from the facts: the same numbers for the models it keeps.
                     ("&createdFrom=2000-01-01",
                         platform.SecondModels.Where(m => m.CreatedAt >= new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero)).ToList()),
                 })
        {
            var expected = models.GroupBy(m => Owner(m.Id))
                .Select(g => (Name: g.Key, Value: (double)g.Sum(m => m.Downloads), Models: (long)g.Count()))
                .OrderByDescending(o => o.Value).ThenBy(o => o.Name, StringComparer.Ordinal).Take(10).ToList();
            var answer = await Json(metrics, $"/api/modelverse/organizations?metric=downloads&k=10&snapshot={platform.Second}{query}");
            Assert.Equal(models.Count, answer.GetProperty("totalModels").GetInt64());
            Assert.Equal(models.Sum(m => (double)m.Downloads), answer.GetProperty("total").GetDouble());
            Assert.Equal(expected, answer.GetProperty("top").EnumerateArray()
                .Select(o => (o.GetProperty("organization").GetString()!, o.GetProperty("value").GetDouble(), o.GetProperty("models").GetInt64())));
        }
    }

    private async Task<List<string>> RowsAsync(string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(platform.Database.Admin);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }
        return rows.Order(StringComparer.Ordinal).ToList();
    }

    private static async Task<JsonElement> Json(HttpClient http, string url)
    {
        using var response = await http.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
