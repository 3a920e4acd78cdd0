using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using DuckDB.NET.Data;
using HubPlatform.Bench.Measurement;
using HubPlatform.Bench.Platform;
using HubPlatform.Bench.Reporting;

namespace HubPlatform.Bench.Benchmarks;

/// <summary>
/// 5. What a user would reach for instead: DuckDB over the platform's own Parquet exports of the
/// same snapshot (models, datasets, spaces, fetched through the gateway), answering the same
/// ModelVerse, DataVerse and HeatMap questions; each answer is compared row by row ("same answer")
/// and the times put side by side.
/// </summary>
public static class DuckDbComparison
{
    private const int K = 20;
    private const int Weeks = 52;
    private const long MinParameters = 1_000_000_000;
    private const long MaxParameters = 10_000_000_000;

    /// <summary>One question: the platform's URL and its answer as comparable lines, DuckDB's SQL and its answer as the same lines.</summary>
    private sealed record Question(string Name, string Url, Func<JsonElement, List<string>> Platform, string Sql, string SameMeans);

    public static async Task RunAsync(BenchPlatform platform, BenchOptions options, Guid snapshot, BenchReport report, CancellationToken ct)
    {
        var section = report.Add("duckdb", "5. Side by side: the platform vs DuckDB over its Parquet exports");
        var folder = Path.Combine(platform.DataDirectory, "duckdb");
        Directory.CreateDirectory(folder);
        var files = new Dictionary<string, string>();
        var exportSeconds = 0.0;
        foreach (var kind in new[] { "models", "datasets", "spaces" })
        {
            var path = Path.Combine(folder, $"{kind}.parquet");
            var clock = Stopwatch.StartNew();
            using var response = await platform.Gateway.GetAsync($"{platform.ApiPrefix}/exports/{snapshot}/{kind}.parquet",
                HttpCompletionOption.ResponseHeadersRead, ct);
            if (!response.IsSuccessStatusCode)
            {
                report.NotMeasured.Add($"DuckDB comparison: `GET {platform.ApiPrefix}/exports/{snapshot}/{kind}.parquet` answered " +
                                       $"{(int)response.StatusCode}.");
                return;
            }
            await using (var file = File.Create(path))
            {
                await response.Content.CopyToAsync(file, ct);
            }
            exportSeconds += clock.Elapsed.TotalSeconds;
            files[kind] = path;
        }
        var parquetMb = files.Values.Sum(f => new FileInfo(f).Length) / 1048576.0;

        using var duck = new DuckDBConnection("Data Source=:memory:");
        duck.Open();
        Execute(duck, "SET TimeZone = 'UTC'", optional: true);
        foreach (var (kind, path) in files)
        {
            Execute(duck, $"CREATE VIEW {kind} AS SELECT * FROM read_parquet('{path.Replace("'", "''")}')");
        }

        // The HeatMap window: the N×7 UTC days ending on the snapshot's day (as the platform defines it).
        var startedAt = JsonDocument.Parse(await platform.Gateway.GetStringAsync($"{platform.ApiPrefix}/snapshots/{snapshot}", ct)).RootElement
            .GetProperty("startedAt").GetDateTimeOffset();
        var to = DateOnly.FromDateTime(startedAt.UtcDateTime);
        // The generated hub's clock may stand before the crawl's: widen the window so it still holds
        // the hub's last 52 weeks of creations (the platform's window always ends on the snapshot's day).
        var newest = Scalar(duck,
            "SELECT strftime(max(c), '%Y-%m-%d') FROM (SELECT max(created_at) AS c FROM models UNION ALL SELECT max(created_at) FROM datasets " +
            "UNION ALL SELECT max(created_at) FROM spaces)");
        var gapWeeks = newest is null ? 0 : Math.Max(0,
            (to.DayNumber - DateOnly.ParseExact(newest, "yyyy-MM-dd", CultureInfo.InvariantCulture).DayNumber) / 7);
        var weeks = Math.Min(520, Weeks + gapWeeks);
        var from = to.AddDays(1 - weeks * 7);
        var created = $"""
            SELECT author, strftime(created_at, '%Y-%m-%d') AS day, 'model' AS kind FROM models WHERE created_at >= TIMESTAMP '{from:yyyy-MM-dd}' AND
                created_at < TIMESTAMP '{to.AddDays(1):yyyy-MM-dd}'
            UNION ALL SELECT author, strftime(created_at, '%Y-%m-%d'), 'dataset' FROM datasets WHERE created_at >= TIMESTAMP '{from:yyyy-MM-dd}' AND
                created_at < TIMESTAMP '{to.AddDays(1):yyyy-MM-dd}'
            UNION ALL SELECT author, strftime(created_at, '%Y-%m-%d'), 'space' FROM spaces WHERE created_at >= TIMESTAMP '{from:yyyy-MM-dd}' AND
                created_at < TIMESTAMP '{to.AddDays(1):yyyy-MM-dd}'
            """;
        var ranking = JsonDocument.Parse(await platform.Gateway.GetStringAsync(
            $"{platform.ApiPrefix}/heatmap/ranking?k={K}&weeks={weeks}&snapshot={snapshot}", ct)).RootElement;
        var busiest = ranking.GetArrayLength() > 0 ? ranking[0].GetProperty("name").GetString()! : "none";

        var questions = new List<Question>
        {
            new($"ModelVerse: top {K} organizations by downloads",
                $"{platform.ApiPrefix}/modelverse/organizations?metric=downloads&k={K}&snapshot={snapshot}",
                a => Lines(a.GetProperty("top"), "organization", "value", "models").Append(N(a.GetProperty("total").GetDouble())).ToList(),
                $"""
                SELECT * FROM (SELECT author, sum(downloads)::DOUBLE AS value, count(*) AS n FROM models GROUP BY author ORDER BY value DESC, author
                               LIMIT {K})
                UNION ALL SELECT NULL, sum(downloads)::DOUBLE, NULL FROM models
                """, "organizations, values, model counts, total"),
            new($"DataVerse: top {K} organizations by downloads",
                $"{platform.ApiPrefix}/dataverse/organizations?metric=downloads&k={K}&snapshot={snapshot}",
                a => Lines(a.GetProperty("top"), "organization", "value", "datasets").Append(N(a.GetProperty("total").GetDouble())).ToList(),
                $"""
                SELECT * FROM (SELECT author, sum(downloads)::DOUBLE AS value, count(*) AS n FROM datasets GROUP BY author ORDER BY value DESC,
                               author LIMIT {K})
                UNION ALL SELECT NULL, sum(downloads)::DOUBLE, NULL FROM datasets
                """, "organizations, values, dataset counts, total"),
            new("DataVerse: downloads by task category",
                $"{platform.ApiPrefix}/dataverse/breakdown?by=taskCategory&metric=downloads&snapshot={snapshot}",
                a => Lines(a.GetProperty("items"), "key", "value", "datasets").Append(N(a.GetProperty("total").GetDouble())).ToList(),
                """
                SELECT * FROM (SELECT key, sum(downloads)::DOUBLE AS value, count(*) AS n FROM (
                    SELECT unnest(CASE WHEN task_categories IS NULL OR task_categories = '' THEN ['none'] ELSE string_split(task_categories, ';')
                                  END) AS key, downloads FROM datasets)
                  GROUP BY key ORDER BY value DESC, key)
                UNION ALL SELECT NULL, sum(downloads)::DOUBLE, NULL FROM datasets
                """, "categories, downloads, dataset counts, total"),
            new($"HeatMap: organizations ranked by repos created in {weeks} weeks",
                $"{platform.ApiPrefix}/heatmap/ranking?k={K}&weeks={weeks}&snapshot={snapshot}",
                a => Lines(a, "name", "models", "datasets", "spaces", "total", "activeDays").ToList(),
                $"""
                SELECT author, count(*) FILTER (WHERE kind = 'model'), count(*) FILTER (WHERE kind = 'dataset'), count(*) FILTER (WHERE kind =
                                                                                                                                  'space'),
                       count(*) AS total, count(DISTINCT day)
                FROM ({created}) GROUP BY author ORDER BY total DESC, author LIMIT {K}
                """, "organizations, models, datasets, spaces, total, active days"),
            new($"ModelVerse: top {K} organizations by downloads among models of 1B–10B parameters",
                $"{platform.ApiPrefix}/modelverse/organizations?metric=downloads&k={K}" +
                $"&minParameters={MinParameters}&maxParameters={MaxParameters}&snapshot={snapshot}",
                a => Lines(a.GetProperty("top"), "organization", "value", "models").Append(N(a.GetProperty("total").GetDouble()))
                .Append(N(a.GetProperty("totalModels").GetDouble())).ToList(),
                $"""
                SELECT * FROM (SELECT author, sum(downloads)::DOUBLE AS value, count(*) AS n FROM models WHERE parameter_count BETWEEN
                               {MinParameters} AND {MaxParameters}
                               GROUP BY author ORDER BY value DESC, author LIMIT {K})
                UNION ALL SELECT NULL, sum(downloads)::DOUBLE, NULL FROM models WHERE parameter_count BETWEEN {MinParameters} AND {MaxParameters}
                UNION ALL SELECT NULL, count(*), NULL FROM models WHERE parameter_count BETWEEN {MinParameters} AND {MaxParameters}
                """, "organizations, values, model counts, total, models in range"),
            new($"Lineage: top {K} base models by descendants",
                $"{platform.ApiPrefix}/lineage/leaderboard?by=descendants&k={K}&asOf={snapshot}",
                a => Lines(a, "baseModelId", "descendants", "descendantDownloads").ToList(),
                // The family of a base model: every model reached by following base_model down (each once, however many paths).
                $"""
                WITH RECURSIVE edges AS (
                    SELECT DISTINCT base, id AS model FROM (SELECT id, unnest(string_split(base_model, ';')) AS base FROM models WHERE base_model <>
                                                            '') WHERE base <> id
                ),
                closure(ancestor, descendant) AS (
                    SELECT base, model FROM edges
                    UNION
                    SELECT c.ancestor, e.model FROM closure c JOIN edges e ON e.base = c.descendant
                )
                SELECT c.ancestor, count(*) AS descendants, coalesce(sum(m.downloads), 0)::DOUBLE AS downloads
                FROM closure c LEFT JOIN models m ON m.id = c.descendant
                WHERE c.ancestor <> c.descendant
                GROUP BY c.ancestor ORDER BY descendants DESC, downloads DESC, c.ancestor LIMIT {K}
                """, "base models, descendants, their downloads"),
            new($"HeatMap: repos created per day by the busiest organization ({busiest}), {weeks} weeks",
                $"{platform.ApiPrefix}/heatmap/organizations/{Uri.EscapeDataString(busiest)}?weeks={weeks}&snapshot={snapshot}",
                a => Lines(a.GetProperty("days"), "date", "models", "datasets", "spaces").ToList(),
                $"""
                SELECT day, count(*) FILTER (WHERE kind = 'model'), count(*) FILTER (WHERE kind = 'dataset'), count(*) FILTER (WHERE kind = 'space')
                FROM ({created}) WHERE lower(author) = '{busiest.ToLowerInvariant().Replace("'", "''")}' GROUP BY day ORDER BY day
                """, "days, models, datasets, spaces"),
        };

        // Uncached: a query string never sent before (the gateway's output cache misses) with the admin key and
        // Cache-Control: no-cache (the service's response cache computes afresh); the headers say if a cache answered anyway.
        using var misses = new HttpClient { BaseAddress = platform.Gateway.BaseAddress, Timeout = platform.Gateway.Timeout };
        misses.DefaultRequestHeaders.Add("X-Api-Key", BenchPlatform.AdminKey);
        misses.DefaultRequestHeaders.CacheControl = new System.Net.Http.Headers.CacheControlHeaderValue { NoCache = true };
        // At least five runs a side: a run costs milliseconds to seconds here, and of three, two can land in a burst of background
        // work on the shared cores (search's backlog): pre-aggregated answers took 8 ms or 27 ms in one run.
        var runs = Math.Max(options.Runs, 5);
        var rows = new List<string[]>();
        var allSame = true;
        double duckSum = 0, platformSum = 0, cachedSum = 0;
        (double Duck, double Platform, double Cached)? modelVerse = null;
        foreach (var q in questions)
        {
            // One untimed run of each side first: the first call of a question pays JIT, connection set-up and cold file pages,
            // on DuckDB's side as on the platform's, and the medians are meant to compare answering, not starting.
            Query(duck, q.Sql);
            var separator = q.Url.Contains('?') ? '&' : '?';
            using (var warmUp = await misses.GetAsync($"{q.Url}{separator}bench={Guid.NewGuid():N}", ct))
            {
                warmUp.EnsureSuccessStatusCode();
            }
            List<string> duckAnswer = [];
            var duckTimes = new List<double>();
            for (var run = 0; run < runs; run++)
            {
                var clock = Stopwatch.StartNew();
                duckAnswer = Query(duck, q.Sql);
                duckTimes.Add(clock.Elapsed.TotalMilliseconds);
            }
            List<string> platformAnswer = [];
            var platformTimes = new List<double>();
            var fromCache = new List<string>();
            for (var run = 0; run < runs; run++)
            {
                var clock = Stopwatch.StartNew();
                using var response = await misses.GetAsync($"{q.Url}{separator}bench={Guid.NewGuid():N}", ct);
                var json = await response.EnsureSuccessStatusCode().Content.ReadAsStringAsync(ct);
                platformTimes.Add(clock.Elapsed.TotalMilliseconds);
                platformAnswer = q.Platform(JsonDocument.Parse(json).RootElement);
                if (CacheAnswers.Of(response) is { } cache)
                {
                    fromCache.Add(cache);
                }
            }
            var cachedTimes = new List<double>();
            await platform.Gateway.GetStringAsync(q.Url, ct);
            for (var run = 0; run < runs; run++)
            {
                var clock = Stopwatch.StartNew();
                await platform.Gateway.GetStringAsync(q.Url, ct);
                cachedTimes.Add(clock.Elapsed.TotalMilliseconds);
            }
            var same = platformAnswer.SequenceEqual(duckAnswer, StringComparer.Ordinal) && platformAnswer.Count > 0;
            allSame &= same;
            var (duckMs, platformMs, cachedMs) = (Stats.Median(duckTimes), Stats.Median(platformTimes), Stats.Median(cachedTimes));
            (duckSum, platformSum, cachedSum) = (duckSum + duckMs, platformSum + platformMs, cachedSum + cachedMs);
            modelVerse ??= (duckMs, platformMs, cachedMs);
            var uncachedCell = F(platformMs, 1) + (fromCache.Count > 0
                ? $" ({fromCache.Count} of {runs} answered by the {string.Join("/", fromCache.Distinct())} cache)"
                : "");
            rows.Add([q.Name, uncachedCell, F(cachedMs, 2), F(duckMs, 1), F(platformMs / duckMs, 2) + "×",
                same ? $"yes ({q.SameMeans})" : "**no**"]);
            Console.WriteLine($"bench: {q.Name}: platform {platformMs:F1} ms uncached, {cachedMs:F2} ms cached; DuckDB {duckMs:F1} ms; same " +
                              $"answer: {same}");
            if (!same)
            {
                var difference = $"{q.Name} differs: platform ({platformAnswer.Count} rows) {string.Join(" | ", platformAnswer.Take(3))} …; " +
                                 $"DuckDB ({duckAnswer.Count} rows) {string.Join(" | ", duckAnswer.Take(3))} ….";
                section.Line(difference);
                Console.WriteLine($"bench: {difference}");
            }
        }
        // duckDbMs, platformUncachedMs and platformCachedMs are the ModelVerse question's (comparable with earlier runs); the sums cover them all.
        section.Number("duckDbMs", modelVerse!.Value.Duck).Number("platformUncachedMs", modelVerse.Value.Platform)
            .Number("platformCachedMs", modelVerse.Value.Cached)
            .Number("duckDbAllMs", duckSum).Number("platformUncachedAllMs", platformSum).Number("platformCachedAllMs", cachedSum)
            .Number("sameAnswer", allSame ? 1 : 0).Number("parquetMb", parquetMb);
        section.Line($"{Count(questions.Count)} questions over the ingested snapshot. Parquet source: the platform's own exports, `GET " +
                     $"{platform.ApiPrefix}/exports/{{snapshot}}/models.parquet`, " +
                     $"`datasets.parquet` and `spaces.parquet` through the gateway ({parquetMb:F1} MB, fetched in {exportSeconds:F1} s). DuckDB " +
                     "(in process, " +
                     "`DuckDB.NET.Data.Full`) reads the files on each run; the platform is called through the gateway, uncached (a query string " +
                     "never sent before, " +
                     "and the admin key with `Cache-Control: no-cache`, so neither the gateway's output cache nor the service's response cache " +
                     "answers; " +
                     "the answer's headers are checked) and cached. " +
                     $"HeatMap window: {weeks} weeks ending on the snapshot's day ({from:yyyy-MM-dd} … {to:yyyy-MM-dd}; the generated hub's " +
                     "newest " +
                     $"repo is from {newest ?? "never"}, so 52 weeks of its activity). " +
                     "\"Same answer\": every row of the platform's answer equals DuckDB's (names, sums, counts, in order). Median of " +
                     $"{runs} runs, after one untimed run of each side (JIT, connections, file cache).")
            .Line()
            .Table(["question", "platform uncached ms", "platform cached ms", "DuckDB ms", "platform uncached ÷ DuckDB", "same answer"], rows);
    }

    /// <summary>An answer's rows as lines of the named fields (numbers in one invariant form), in the platform's order.</summary>
    private static IEnumerable<string> Lines(JsonElement array, params string[] fields) =>
        array.EnumerateArray()
            .Select(o => string.Join('\t',
                fields.Select(f => o.GetProperty(f) is var v && v.ValueKind == JsonValueKind.Number ? N(v.GetDouble()) : v.GetString())));

    private static string Count(int n) =>
        n switch { 5 => "Five", 6 => "Six", 7 => "Seven", 8 => "Eight", _ => n.ToString(CultureInfo.InvariantCulture) };

    private static string N(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static void Execute(DuckDBConnection duck, string sql, bool optional = false)
    {
        using var command = duck.CreateCommand();
        command.CommandText = sql;
        try
        {
            command.ExecuteNonQuery();
        }
        catch (DuckDBException) when (optional)
        {
            // Without the ICU extension there is no TimeZone setting; timestamps are then UTC already.
        }
    }

    private static string? Scalar(DuckDBConnection duck, string sql)
    {
        using var command = duck.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar() as string;
    }

    private static List<string> Query(DuckDBConnection duck, string sql)
    {
        using var command = duck.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var lines = new List<string>();
        while (reader.Read())
        {
            var fields = Enumerable.Range(0, reader.FieldCount).Where(i => !reader.IsDBNull(i))
                .Select(i => reader.GetValue(i) switch
                {
                    string s => s,
                    double d => N(d),
                    long l => N(l),
                    int n => N(n),
                    System.Numerics.BigInteger b => N((double)b),
                    var other => Convert.ToString(other, CultureInfo.InvariantCulture) ?? "",
                });
            lines.Add(string.Join('\t', fields));
        }
        return lines;
    }

    private static string F(double v, int d = 0) => BenchSection.F(v, d);
}
