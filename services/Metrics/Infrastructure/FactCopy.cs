using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace HubPlatform.Metrics.Infrastructure;

/// <summary>One repo's numbers in a snapshot, as every fact table stores them (spaces have no downloads).</summary>
public readonly record struct FactRow(string Id, long Downloads, long? DownloadsAllTime, long Likes, double? TrendingScore);

/// <summary>
/// Facts are the big tables (one row per repo per snapshot), so a page's facts travel by binary
/// COPY into a per-connection staging table, then one INSERT … ON CONFLICT moves them into the
/// snapshot's partition: a replayed page rewrites the same rows with the same values. The staging
/// table empties itself at commit. Call inside the page's transaction, after
/// <see cref="SnapshotPartitions.EnsureAsync"/>.
/// </summary>
public static class FactCopy
{
    public static async Task CopyAsync(MetricsDbContext db, string table, string key, Guid snapshot, DateTimeOffset observedAt,
        IReadOnlyList<FactRow> rows, bool hasDownloads, CancellationToken ct)
    {
        var staging = $"{table}_staging";
#pragma warning disable EF1002 // table, key and staging are fixed strings from SnapshotPartitions.FactTables, never input.
        await db.Database.ExecuteSqlRawAsync($"""
            CREATE TEMP TABLE IF NOT EXISTS {staging}
                (id text, downloads bigint, downloads_all_time bigint, likes bigint, trending_score double precision) ON COMMIT DELETE ROWS
            """, ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using (var import = await connection.BeginBinaryImportAsync(
                         $"COPY {staging} (id, downloads, downloads_all_time, likes, trending_score) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var r in rows)
            {
                await import.StartRowAsync(ct);
                await import.WriteAsync(r.Id, NpgsqlDbType.Text, ct);
                await import.WriteAsync(r.Downloads, NpgsqlDbType.Bigint, ct);
                await WriteNullableAsync(import, r.DownloadsAllTime, NpgsqlDbType.Bigint, ct);
                await import.WriteAsync(r.Likes, NpgsqlDbType.Bigint, ct);
                await WriteNullableAsync(import, r.TrendingScore, NpgsqlDbType.Double, ct);
            }
            await import.CompleteAsync(ct);
        }
        var downloads = hasDownloads ? "downloads, downloads_all_time, " : "";
        var downloadValues = hasDownloads ? "s.downloads, s.downloads_all_time, " : "";
        var downloadUpdates = hasDownloads ? "downloads = EXCLUDED.downloads, downloads_all_time = EXCLUDED.downloads_all_time, " : "";
        // Straight into the partition: no routing through the parent per row.
        await db.Database.ExecuteSqlRawAsync($"""
            INSERT INTO {MetricsDbContext.Schema}.{SnapshotPartitions.PartitionOf(table, snapshot)} (snapshot_id, {key}, {downloads}likes,
                                                                                                     trending_score, observed_at)
            SELECT @snapshot, s.id, {downloadValues}s.likes, s.trending_score, @observed_at
            FROM {staging} s
            ON CONFLICT (snapshot_id, {key}) DO UPDATE SET
                {downloadUpdates}likes = EXCLUDED.likes, trending_score = EXCLUDED.trending_score, observed_at = EXCLUDED.observed_at
            """, [new NpgsqlParameter("snapshot", snapshot), new NpgsqlParameter("observed_at", observedAt)], ct);
#pragma warning restore EF1002
    }

    private static Task WriteNullableAsync<T>(NpgsqlBinaryImporter import, T? value, NpgsqlDbType type, CancellationToken ct) where T : struct =>
        value is { } v ? import.WriteAsync(v, type, ct) : import.WriteNullAsync(ct);
}
