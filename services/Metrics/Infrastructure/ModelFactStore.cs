using HubPlatform.Contracts;
using HubPlatform.Ingestion;
using HubPlatform.Metrics.Dimensions;
using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Metrics.Infrastructure;

/// <summary>
/// Writes a page of observations: dimensions by a set-based upsert (arrays unnested server-side),
/// facts by binary COPY into the snapshot's partition (FactCopy), so a 1000-model page is a few round trips. Keys are (snapshot, model) and (model),
/// so a redelivered page rewrites the same rows with the same values: nothing changes.
/// </summary>
public sealed class ModelFactStore(MetricsDbContext db)
{
    public async Task UpsertAsync(ModelsObserved page, CancellationToken cancellationToken)
    {
        var m = page.Models;
        var ids = m.Select(x => x.Id).ToArray();
        var owners = m.Select(x => Authors.Of(x.Id, x.Author)).ToArray();
        await SnapshotPartitions.EnsureAsync(db, "model_facts", page.SnapshotId, cancellationToken);
        // Before the page's transaction, not in it: see Authors.RegisterAsync.
        await Authors.RegisterAsync(db, owners, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO metrics.models AS t (id, author, created_at, pipeline_tag, library_name, license, parameter_count, parameter_bucket,
                                             is_derivative, base_models, gated, languages, last_observed_at, removed_in_snapshot)
            SELECT u.id, u.author, u.created_at, u.pipeline_tag, u.library_name, u.license, u.parameter_count, u.parameter_bucket,
                   u.is_derivative, string_to_array(u.base_models, E'\x1f'), u.gated, string_to_array(u.languages, E'\x1f'), {page.ObservedAt}, NULL
            FROM unnest({ids}, {owners}, {m.Select(x => x.CreatedAt).ToArray()},
                        {m.Select(x => x.PipelineTag).ToArray()}, {m.Select(x => x.LibraryName).ToArray()},
                        {m.Select(x => x.License).ToArray()}, {m.Select(x => x.ParameterCount).ToArray()},
                        {m.Select(x => ParameterBuckets.Of(x.ParameterCount)).ToArray()}, {m.Select(x => x.BaseModels.Count > 0).ToArray()},
                        {m.Select(x => string.Join('\x1f', x.BaseModels.Select(b => b.Id))).ToArray()},
                        {m.Select(x => x.Gated).ToArray()}, {m.Select(x => string.Join('\x1f', x.Languages)).ToArray()})
                 AS u(id, author, created_at, pipeline_tag, library_name, license, parameter_count, parameter_bucket, is_derivative, base_models,
                      gated, languages)
            ON CONFLICT (id) DO UPDATE SET
                author = EXCLUDED.author, created_at = EXCLUDED.created_at, pipeline_tag = EXCLUDED.pipeline_tag,
                library_name = EXCLUDED.library_name, license = EXCLUDED.license, parameter_count = EXCLUDED.parameter_count,
                parameter_bucket = EXCLUDED.parameter_bucket, is_derivative = EXCLUDED.is_derivative, base_models = EXCLUDED.base_models,
                gated = EXCLUDED.gated, languages = EXCLUDED.languages, last_observed_at = EXCLUDED.last_observed_at,
                removed_in_snapshot = NULL
            WHERE t.last_observed_at <= EXCLUDED.last_observed_at
            """, cancellationToken);
        await FactCopy.CopyAsync(db, "model_facts", "model_id", page.SnapshotId, page.ObservedAt,
            m.Select(x => new FactRow(x.Id, x.Downloads, x.DownloadsAllTime, x.Likes, x.TrendingScore)).ToList(), hasDownloads: true,
            cancellationToken);
        await new SnapshotProgress(db, MetricsDbContext.Schema).RecordPageAsync(page.SnapshotId, page.Page, m.Count, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
