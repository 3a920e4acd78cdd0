using HubPlatform.Contracts;
using HubPlatform.Metrics.Dimensions;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace HubPlatform.Metrics.Infrastructure;

/// <summary>
/// Writes a page of observations: dimensions by a set-based upsert (arrays unnested server-side),
/// facts by binary COPY, so a 1000-model page is a few round trips. Keys are (snapshot, model) and (model), so a redelivered
/// page rewrites the same rows with the same values: nothing changes.
/// </summary>
public sealed class ModelFactStore(MetricsDbContext db)
{
    public async Task UpsertAsync(ModelsObserved page, CancellationToken cancellationToken)
    {
        var m = page.Models;
        var ids = m.Select(x => x.Id).ToArray();
        var owners = m.Select(x => Authors.Of(x.Id, x.Author)).ToArray();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await Authors.RegisterAsync(db, owners, cancellationToken);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO metrics.models AS t (id, author, created_at, pipeline_tag, library_name, license, parameter_count, parameter_bucket,
                                             is_derivative, gated, languages, last_observed_at, removed_in_snapshot)
            SELECT u.id, u.author, u.created_at, u.pipeline_tag, u.library_name, u.license, u.parameter_count, u.parameter_bucket,
                   u.is_derivative, u.gated, string_to_array(u.languages, E'\x1f'), {page.ObservedAt}, NULL
            FROM unnest({ids}, {owners}, {m.Select(x => x.CreatedAt).ToArray()},
                        {m.Select(x => x.PipelineTag).ToArray()}, {m.Select(x => x.LibraryName).ToArray()},
                        {m.Select(x => x.License).ToArray()}, {m.Select(x => x.ParameterCount).ToArray()},
                        {m.Select(x => ParameterBuckets.Of(x.ParameterCount)).ToArray()}, {m.Select(x => x.BaseModels.Count > 0).ToArray()},
                        {m.Select(x => x.Gated).ToArray()}, {m.Select(x => string.Join('\x1f', x.Languages)).ToArray()})
                 AS u(id, author, created_at, pipeline_tag, library_name, license, parameter_count, parameter_bucket, is_derivative, gated, languages)
            ON CONFLICT (id) DO UPDATE SET
                author = EXCLUDED.author, created_at = EXCLUDED.created_at, pipeline_tag = EXCLUDED.pipeline_tag,
                library_name = EXCLUDED.library_name, license = EXCLUDED.license, parameter_count = EXCLUDED.parameter_count,
                parameter_bucket = EXCLUDED.parameter_bucket, is_derivative = EXCLUDED.is_derivative,
                gated = EXCLUDED.gated, languages = EXCLUDED.languages, last_observed_at = EXCLUDED.last_observed_at,
                removed_in_snapshot = NULL
            WHERE t.last_observed_at <= EXCLUDED.last_observed_at
            """, cancellationToken);
        await CopyFactsAsync(page, cancellationToken);
        await new SnapshotProgress(db, MetricsDbContext.Schema).RecordPageAsync(page.SnapshotId, page.Page, m.Count, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Facts are the big table (one row per model per snapshot), so they travel by binary COPY
    /// into a per-connection staging table, then one upsert moves them in: a replayed page
    /// rewrites the same rows. The staging table empties itself at commit.
    /// </summary>
    private async Task CopyFactsAsync(ModelsObserved page, CancellationToken ct)
    {
        await db.Database.ExecuteSqlRawAsync("""
            CREATE TEMP TABLE IF NOT EXISTS model_facts_staging
                (model_id text, downloads bigint, downloads_all_time bigint, likes bigint, trending_score double precision) ON COMMIT DELETE ROWS
            """, ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using (var import = await connection.BeginBinaryImportAsync(
                         "COPY model_facts_staging (model_id, downloads, downloads_all_time, likes, trending_score) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var m in page.Models)
            {
                await import.StartRowAsync(ct);
                await import.WriteAsync(m.Id, NpgsqlDbType.Text, ct);
                await import.WriteAsync(m.Downloads, NpgsqlDbType.Bigint, ct);
                await import.WriteAsync(m.DownloadsAllTime, NpgsqlDbType.Bigint, ct);
                await import.WriteAsync(m.Likes, NpgsqlDbType.Bigint, ct);
                await import.WriteAsync(m.TrendingScore, NpgsqlDbType.Double, ct);
            }
            await import.CompleteAsync(ct);
        }
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO metrics.model_facts (snapshot_id, model_id, downloads, downloads_all_time, likes, trending_score, observed_at)
            SELECT {page.SnapshotId}, s.model_id, s.downloads, s.downloads_all_time, s.likes, s.trending_score, {page.ObservedAt}
            FROM model_facts_staging s
            ON CONFLICT (snapshot_id, model_id) DO UPDATE SET
                downloads = EXCLUDED.downloads, downloads_all_time = EXCLUDED.downloads_all_time,
                likes = EXCLUDED.likes, trending_score = EXCLUDED.trending_score, observed_at = EXCLUDED.observed_at
            """, ct);
    }
}
