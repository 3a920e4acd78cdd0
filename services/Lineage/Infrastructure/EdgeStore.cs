using HubPlatform.Contracts;
using HubPlatform.Lineage.Graph;
using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Lineage.Infrastructure;

/// <summary>
/// Applies a page of observations to the graph in one transaction: the observed models become
/// resolved nodes, named base models get (unresolved) nodes if unknown, and each observed model's
/// edges are replaced by what it declares now. Replaying a page yields the same rows.
/// </summary>
public sealed class EdgeStore(LineageDbContext db)
{
    public async Task ApplyAsync(ModelsObserved page, CancellationToken cancellationToken)
    {
        var models = page.Models;
        var edges = models.SelectMany(m => m.BaseModels.Select(b => (Model: m.Id, Base: b.Id, Relation: RelationInference.Relation(m, b), Stated: b.Relation is not null))).ToArray();
        var ids = models.Select(m => m.Id).ToArray();

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO lineage.models AS t (id, resolved, author, pipeline_tag, downloads, likes, created_at, last_observed_at)
            SELECT u.id, TRUE, u.author, u.pipeline_tag, u.downloads, u.likes, u.created_at, {page.ObservedAt}
            FROM unnest({ids}, {models.Select(m => m.Author).ToArray()}, {models.Select(m => m.PipelineTag).ToArray()},
                        {models.Select(m => m.Downloads).ToArray()}, {models.Select(m => m.Likes).ToArray()}, {models.Select(m => m.CreatedAt).ToArray()})
                 AS u(id, author, pipeline_tag, downloads, likes, created_at)
            ON CONFLICT (id) DO UPDATE SET resolved = TRUE, author = EXCLUDED.author, pipeline_tag = EXCLUDED.pipeline_tag,
                downloads = EXCLUDED.downloads, likes = EXCLUDED.likes, created_at = EXCLUDED.created_at, last_observed_at = EXCLUDED.last_observed_at
            WHERE t.last_observed_at IS NULL OR t.last_observed_at <= EXCLUDED.last_observed_at
            """, cancellationToken);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO lineage.models (id, resolved, downloads, likes)
            SELECT DISTINCT unnest({edges.Select(e => e.Base).ToArray()}), FALSE, 0, 0
            ON CONFLICT (id) DO NOTHING
            """, cancellationToken);
        await db.Database.ExecuteSqlAsync($"""
            DELETE FROM lineage.edges e
            WHERE e.model_id = ANY({ids})
              AND NOT EXISTS (SELECT 1 FROM unnest({edges.Select(x => x.Model).ToArray()}, {edges.Select(x => x.Base).ToArray()}) AS n(model_id, base_model_id)
                              WHERE n.model_id = e.model_id AND n.base_model_id = e.base_model_id)
            """, cancellationToken);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO lineage.edges (model_id, base_model_id, relation, stated, snapshot_id)
            SELECT u.model_id, u.base_model_id, u.relation, u.stated, {page.SnapshotId}
            FROM unnest({edges.Select(x => x.Model).ToArray()}, {edges.Select(x => x.Base).ToArray()},
                        {edges.Select(x => x.Relation).ToArray()}, {edges.Select(x => x.Stated).ToArray()})
                 AS u(model_id, base_model_id, relation, stated)
            ON CONFLICT (model_id, base_model_id) DO UPDATE SET relation = EXCLUDED.relation, stated = EXCLUDED.stated, snapshot_id = EXCLUDED.snapshot_id
            """, cancellationToken);
        await new SnapshotProgress(db, LineageDbContext.Schema).RecordPageAsync(page.SnapshotId, page.Page, models.Count, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
