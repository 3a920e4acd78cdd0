using System.Diagnostics;
using System.Text.Json;
using DuckDB.NET.Data;
using HubPlatform.Bench.Measurement;
using HubPlatform.Bench.Platform;
using HubPlatform.Bench.Reporting;

namespace HubPlatform.Bench.Benchmarks;

/// <summary>
/// 5. What a user would reach for instead: DuckDB over a Parquet export of the same snapshot,
/// answering the same ModelVerse question; the answers are compared and the times put side by side.
/// </summary>
public static class DuckDbComparison
{
    private const int K = 20;

    public static async Task RunAsync(BenchPlatform platform, BenchOptions options, Guid snapshot, BenchReport report, CancellationToken ct)
    {
        var section = report.Add("duckdb", "5. Side by side: the platform vs DuckDB over Parquet");
        var folder = Path.Combine(platform.DataDirectory, "duckdb");
        Directory.CreateDirectory(folder);
        var parquet = Path.Combine(folder, "models.parquet");
        var (source, exportSeconds) = await ExportAsync(platform, snapshot, parquet, ct);

        using var duck = new DuckDBConnection("Data Source=:memory:");
        duck.Open();
        var columns = Columns(duck, parquet);
        var organization = columns.Contains("author") ? "author" : columns.Contains("organization") ? "organization" : null;
        if (organization is null || !columns.Contains("downloads"))
        {
            report.NotMeasured.Add($"DuckDB ModelVerse: the export has no author/downloads columns ({string.Join(", ", columns)}).");
            return;
        }
        var sql = $"""
            SELECT {organization} AS organization, sum(downloads)::DOUBLE AS value, count(*) AS models
            FROM read_parquet('{parquet.Replace("'", "''")}')
            GROUP BY {organization} ORDER BY value DESC, organization
            """;
        List<(string Organization, double Value, long Models)> rows = [];
        var duckTimes = new List<double>();
        for (var run = 0; run < options.Runs; run++)
        {
            var clock = Stopwatch.StartNew();
            rows = Query(duck, sql);
            duckTimes.Add(clock.Elapsed.TotalMilliseconds);
        }
        var duckTop = rows.Take(K).ToList();
        var duckTotal = rows.Sum(r => r.Value);

        var url = $"{platform.ApiPrefix}/modelverse/organizations?metric=downloads&k={K}&snapshot={snapshot}";
        var platformTimes = new List<double>();
        JsonElement answer = default;
        for (var run = 0; run < options.Runs; run++)
        {
            var clock = Stopwatch.StartNew();
            answer = JsonDocument.Parse(await platform.Gateway.GetStringAsync($"{url}&bench={Guid.NewGuid():N}", ct)).RootElement;
            platformTimes.Add(clock.Elapsed.TotalMilliseconds);
        }
        var cachedTimes = new List<double>();
        await platform.Gateway.GetStringAsync(url, ct);
        for (var run = 0; run < options.Runs; run++)
        {
            var clock = Stopwatch.StartNew();
            await platform.Gateway.GetStringAsync(url, ct);
            cachedTimes.Add(clock.Elapsed.TotalMilliseconds);
        }
        var platformTop = answer.GetProperty("top").EnumerateArray()
            .Select(o => (Organization: o.GetProperty("organization").GetString()!, Value: o.GetProperty("value").GetDouble(), Models: o.GetProperty("models").GetInt64()))
            .ToList();
        var same = platformTop.Count == duckTop.Count
                   && platformTop.Zip(duckTop).All(x => x.First.Organization == x.Second.Organization && x.First.Value == x.Second.Value && x.First.Models == x.Second.Models)
                   && answer.GetProperty("total").GetDouble() == duckTotal;
        var duckMs = Stats.Median(duckTimes);
        var platformMs = Stats.Median(platformTimes);
        var cachedMs = Stats.Median(cachedTimes);
        section.Number("duckDbMs", duckMs).Number("platformUncachedMs", platformMs).Number("platformCachedMs", cachedMs)
            .Number("sameAnswer", same ? 1 : 0).Number("parquetMb", new FileInfo(parquet).Length / 1048576.0);
        section.Line($"ModelVerse: the top {K} organizations by downloads, with the total, over the {rows.Sum(r => r.Models):N0} models of the ingested snapshot. " +
                     $"Parquet source: {source} ({new FileInfo(parquet).Length / 1048576.0:F1} MB, written in {exportSeconds:F1} s). DuckDB (in process, " +
                     $"`DuckDB.NET.Data.Full`) reads the file on each run; the platform is called through the gateway, uncached (unique query string) and cached. " +
                     $"Median of {options.Runs} runs.")
            .Line()
            .Table(["question", "platform uncached ms", "platform cached ms", "DuckDB ms", "platform uncached ÷ DuckDB", "same answer"],
            [
                ["ModelVerse top-20 organizations by downloads", F(platformMs, 1), F(cachedMs, 2), F(duckMs, 1), F(platformMs / duckMs, 2) + "×",
                    same ? "yes (organizations, values, model counts, total)" : "**no**"],
            ]);
        if (!same)
        {
            section.Line($"Differences: platform {string.Join(", ", platformTop.Take(3))} … total {answer.GetProperty("total").GetDouble()}; " +
                         $"DuckDB {string.Join(", ", duckTop.Take(3))} … total {duckTotal}.");
        }
    }

    /// <summary>The platform's own export when metrics serves it; until then one written here from the metrics schema.</summary>
    private static async Task<(string Source, double Seconds)> ExportAsync(BenchPlatform platform, Guid snapshot, string parquet, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        using (var response = await platform.Gateway.GetAsync($"{platform.ApiPrefix}/exports/{snapshot}/models.parquet", HttpCompletionOption.ResponseHeadersRead, ct))
        {
            if (response.IsSuccessStatusCode)
            {
                await using var file = File.Create(parquet);
                await response.Content.CopyToAsync(file, ct);
                return ($"the platform's `GET {platform.ApiPrefix}/exports/{{snapshot}}/models.parquet`", clock.Elapsed.TotalSeconds);
            }
        }
        await using var db = await platform.OpenDatabaseAsync(ct);
        using var duck = new DuckDBConnection("Data Source=:memory:");
        duck.Open();
        using (var create = duck.CreateCommand())
        {
            create.CommandText = "CREATE TABLE models (id VARCHAR, author VARCHAR, downloads BIGINT, likes BIGINT)";
            create.ExecuteNonQuery();
        }
        await using (var command = new Npgsql.NpgsqlCommand(
            "SELECT m.id, m.author, f.downloads, f.likes FROM metrics.model_facts f JOIN metrics.models m ON m.id = f.model_id WHERE f.snapshot_id = $1", db))
        {
            command.Parameters.AddWithValue(snapshot);
            await using var reader = await command.ExecuteReaderAsync(ct);
            using var appender = duck.CreateAppender("models");
            while (await reader.ReadAsync(ct))
            {
                appender.CreateRow().AppendValue(reader.GetString(0)).AppendValue(reader.GetString(1))
                    .AppendValue(reader.GetInt64(2)).AppendValue(reader.GetInt64(3)).EndRow();
            }
        }
        using (var copy = duck.CreateCommand())
        {
            copy.CommandText = $"COPY models TO '{parquet.Replace("'", "''")}' (FORMAT PARQUET)";
            copy.ExecuteNonQuery();
        }
        return ("written by the bench from the metrics schema (the platform's `/exports/{snapshot}/models.parquet` is not on main at this run)", clock.Elapsed.TotalSeconds);
    }

    private static HashSet<string> Columns(DuckDBConnection duck, string parquet)
    {
        using var command = duck.CreateCommand();
        command.CommandText = $"SELECT column_name FROM (DESCRIBE SELECT * FROM read_parquet('{parquet.Replace("'", "''")}'))";
        using var reader = command.ExecuteReader();
        var columns = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (reader.Read())
        {
            columns.Add(reader.GetString(0));
        }
        return columns;
    }

    private static List<(string, double, long)> Query(DuckDBConnection duck, string sql)
    {
        using var command = duck.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<(string, double, long)>();
        while (reader.Read())
        {
            rows.Add((reader.GetString(0), reader.GetDouble(1), reader.GetInt64(2)));
        }
        return rows;
    }

    private static string F(double v, int d = 0) => BenchSection.F(v, d);
}
