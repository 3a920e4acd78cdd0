using HubPlatform.Contracts;
using HubPlatform.Ingestion;
using HubPlatform.Lineage.Graph;
using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Lineage.Infrastructure;

/// <summary>
/// Applies a page of observations to the versioned graph in one transaction. Observed models
/// become resolved nodes; named base models get (unresolved) nodes if unknown; for each observed
/// model, edge versions it no longer declares are closed at the page's snapshot and new ones are
/// opened there. A model a later snapshot already observed (or removed) is left alone, and a replayed page
/// finds its edges open already: either way nothing changes. Self-references are not edges; they
/// are recorded per snapshot and reported.
/// </summary>
public sealed class EdgeStore(LineageDbContext db, ILogger<EdgeStore> logger)
{
    private sealed record Declared(string Model, string Base, string Relation, bool Stated);

    private sealed record StoredNode(string Id, bool Inserted);

    /// <summary>Returns the base models whose families this page may have changed.</summary>
    public async Task<IReadOnlyList<string>> ApplyAsync(ModelsObserved page, CancellationToken cancellationToken)
    {
        // The same model twice on a page (the listing shifted under the crawler): the last one wins.
        var models = page.Models.GroupBy(m => m.Id, StringComparer.Ordinal).Select(g => g.Last()).OrderBy(m => m.Id, StringComparer.Ordinal)
            .ToArray();
        var declared = models.SelectMany(m => RelationInference.Bases(m)
                .DistinctBy(b => b.Id, StringComparer.Ordinal) // strongest statement first (see ModelParser)
                .Select(b => new Declared(m.Id, b.Id, RelationInference.Relation(m, b), b.Relation is not null)))
            .ToArray();
        var selfReferences = declared.Where(d => string.Equals(d.Model, d.Base, StringComparison.OrdinalIgnoreCase)).ToArray();
        var edges = declared.Except(selfReferences).ToArray();
        var ids = models.Select(m => m.Id).ToArray();

        // Before the page's transaction, each statement committing at once: the snapshot's date (the
        // first page sets it, every other reads it) and the nodes of bases this page names but does
        // not observe. Inside the transaction, concurrent pages naming one popular base, or the first
        // pages of a snapshot, queued behind each other's whole page (bench, 200k models: lineage's
        // sessions spent half their time waiting on another page's transaction). Both are
        // idempotent: a page failing afterwards leaves a date it would set again and unresolved
        // nodes it would insert again, named as bases by the page that a redelivery stores.
        var date = await SnapshotDates.DateOfAsync(db, page.SnapshotId, page.ObservedAt, cancellationToken);
        var parents = edges.Select(e => e.Base).Distinct(StringComparer.Ordinal).Except(ids, StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .ToArray();
        if (parents.Length > 0)
        {
            // In key order, so concurrent pages inserting the same new bases wait in one order.
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO lineage.models (id, resolved, downloads, likes)
                SELECT p, FALSE, 0, 0 FROM unnest({parents}) AS p
                WHERE NOT EXISTS (SELECT 1 FROM lineage.models m WHERE m.id = p)
                ORDER BY p
                ON CONFLICT (id) DO NOTHING
                """, cancellationToken);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // The observed models, new or not, in one statement in key order. Only models whose latest
        // observation is this snapshot's are written, and only they come back: the models whose edges
        // this page rewrites. A replayed older page neither rewrites history nor brings back a model
        // removed since.
        var stored = await db.Database.SqlQuery<StoredNode>($"""
            INSERT INTO lineage.models AS t (id, resolved, author, pipeline_tag, downloads, likes, created_at, first_observed_at, last_observed_at)
            SELECT u.id, TRUE, u.author, u.pipeline_tag, u.downloads, u.likes, u.created_at, {date}, {date}
            FROM unnest({ids}, {models.Select(m => m.Author).ToArray()}, {models.Select(m => m.PipelineTag).ToArray()},
                        {models.Select(m => m.Downloads).ToArray()}, {models.Select(m => m.Likes).ToArray()},
                        {models.Select(m => m.CreatedAt).ToArray()})
                 AS u(id, author, pipeline_tag, downloads, likes, created_at)
            ORDER BY u.id
            ON CONFLICT (id) DO UPDATE SET resolved = TRUE, author = EXCLUDED.author, pipeline_tag = EXCLUDED.pipeline_tag,
                downloads = EXCLUDED.downloads, likes = EXCLUDED.likes, created_at = EXCLUDED.created_at,
                first_observed_at = least(t.first_observed_at, EXCLUDED.first_observed_at),
                last_observed_at = EXCLUDED.last_observed_at, removed_snapshot_id = NULL, removed_at = NULL
            WHERE (t.last_observed_at IS NULL OR t.last_observed_at <= EXCLUDED.last_observed_at)
              AND (t.removed_at IS NULL OR t.removed_at < EXCLUDED.last_observed_at)
            RETURNING t.id AS "Id", (t.xmax = 0) AS "Inserted"
            """).ToArrayAsync(cancellationToken);
        var stale = ids.Length - stored.Length;
        var currentSet = stored.Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
        edges = edges.Where(e => currentSet.Contains(e.Model)).ToArray();
        var news = Columns(edges);
        // A node this statement inserted was never observed before, so it has no edge versions of its own (nodes
        // are never deleted, and only observed models get edges): closing and re-flagging look only at the others.
        // In a first crawl that is nearly every model, and those two statements were a sixth of a page's statement
        // time (bench, 1M models).
        var known = stored.Where(n => !n.Inserted).Select(n => n.Id).ToArray();
        var knownSet = known.ToHashSet(StringComparer.Ordinal);
        var kept = Columns(edges.Where(e => knownSet.Contains(e.Model)));
        var vanished = known.Length == 0 ? [] : await CloseGoneAsync(page, date, known, kept, cancellationToken);
        if (known.Length > 0)
        {
            // Whether the relation was stated or inferred is how we know it, not a new version.
            await db.Database.ExecuteSqlAsync($"""
                UPDATE lineage.edges e SET stated = n.stated
                FROM unnest({kept.Models}, {kept.Bases}, {kept.Relations}, {kept.Stated}) AS n(model_id, base_model_id, relation, stated)
                WHERE e.model_id = n.model_id AND e.base_model_id = n.base_model_id AND e.relation = n.relation
                  AND e.valid_to IS NULL AND e.stated <> n.stated
                """, cancellationToken);
        }
        var opened = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO lineage.edges (model_id, base_model_id, relation, stated, valid_from_snapshot_id, valid_from)
            SELECT n.model_id, n.base_model_id, n.relation, n.stated, {page.SnapshotId}, {date}
            FROM unnest({news.Models}, {news.Bases}, {news.Relations}, {news.Stated}) AS n(model_id, base_model_id, relation, stated)
            WHERE NOT EXISTS (SELECT 1 FROM lineage.edges e WHERE e.model_id = n.model_id AND e.base_model_id = n.base_model_id
                              AND e.valid_to IS NULL)
            ON CONFLICT DO NOTHING
            """, cancellationToken);
        if (selfReferences.Length > 0)
        {
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO lineage.self_references (snapshot_id, model_id, relation)
                SELECT {page.SnapshotId}, u.model_id, u.relation
                FROM unnest({selfReferences.Select(s => s.Model).ToArray()}, {selfReferences.Select(s => s.Relation).ToArray()})
                    AS u(model_id, relation)
                ON CONFLICT DO NOTHING
                """, cancellationToken);
            logger.SelfReferencesSkipped(page.SnapshotId, page.Page, selfReferences.Length,
                string.Join(", ", selfReferences.Select(s => s.Model).Take(10)));
        }
        if (opened > 0 || vanished.Count > 0)
        {
            await UnrollFromAsync(date, cancellationToken);
        }
        await new SnapshotProgress(db, LineageDbContext.Schema).RecordPageAsync(page.SnapshotId, page.Page, models.Length, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (stale > 0)
        {
            logger.StaleModelsKept(page.SnapshotId, page.Page, stale);
        }
        return opened > 0 || vanished.Count > 0 ? edges.Select(e => e.Base).Concat(vanished).Distinct(StringComparer.Ordinal).ToArray() : [];
    }

    private static (string[] Models, string[] Bases, string[] Relations, bool[] Stated) Columns(IEnumerable<Declared> edges)
    {
        var list = edges as IReadOnlyCollection<Declared> ?? edges.ToArray();
        return (list.Select(e => e.Model).ToArray(), list.Select(e => e.Base).ToArray(), list.Select(e => e.Relation).ToArray(),
            list.Select(e => e.Stated).ToArray());
    }

    /// <summary>
    /// Closes the open versions of <paramref name="models"/>' edges that the page no longer declares (<paramref name="declared"/>)
    /// at the page's snapshot, or deletes them if that snapshot opened them (they never held). Returns the bases they named.
    /// </summary>
    private Task<List<string>> CloseGoneAsync(ModelsObserved page, DateTimeOffset date, string[] models,
        (string[] Models, string[] Bases, string[] Relations, bool[] Stated) declared, CancellationToken cancellationToken) =>
        db.Database.SqlQuery<string>($"""
            WITH gone AS (
                SELECT e.model_id, e.base_model_id, e.valid_from_snapshot_id FROM lineage.edges e
                WHERE e.model_id = ANY({models}) AND e.valid_to IS NULL
                  AND NOT EXISTS (SELECT 1 FROM unnest({declared.Models}, {declared.Bases}, {declared.Relations})
                                  AS n(model_id, base_model_id, relation)
                                  WHERE n.model_id = e.model_id AND n.base_model_id = e.base_model_id AND n.relation = e.relation)
            ),
            deleted AS (
                DELETE FROM lineage.edges e USING gone g
                WHERE e.model_id = g.model_id AND e.base_model_id = g.base_model_id AND e.valid_from_snapshot_id = g.valid_from_snapshot_id
                  AND g.valid_from_snapshot_id = {page.SnapshotId}
                RETURNING e.base_model_id
            ),
            closed AS (
                UPDATE lineage.edges e SET valid_to_snapshot_id = {page.SnapshotId}, valid_to = {date}
                FROM gone g
                WHERE e.model_id = g.model_id AND e.base_model_id = g.base_model_id AND e.valid_from_snapshot_id = g.valid_from_snapshot_id
                  AND g.valid_from_snapshot_id <> {page.SnapshotId}
                RETURNING e.base_model_id
            )
            SELECT base_model_id AS "Value" FROM deleted UNION SELECT base_model_id FROM closed
            """).ToListAsync(cancellationToken);

    /// <summary>
    /// The graph changed from <paramref name="date"/> on: rollups of snapshots dated then or later
    /// (a page or removal arriving after a later snapshot was rolled up) no longer match their
    /// graphs. Marked not rolled up, so trees walk live and <c>SnapshotIngestion</c> redoes them.
    /// </summary>
    private Task<int> UnrollFromAsync(DateTimeOffset date, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync($"UPDATE lineage.snapshots SET rolled_up_at = NULL WHERE observed_at >= {date} AND rolled_up_at IS NOT NULL",
            cancellationToken);

    /// <summary>
    /// ReposRemoved: the models leave the graph from this snapshot on. Their own edges close (so
    /// they drop out of their bases' families) and their nodes turn unresolved; edges that name
    /// them as base stay, as on the Hub, where a deleted base shows as missing. A model observed by
    /// this snapshot or a later one is not removed. Returns the base models whose families changed.
    /// </summary>
    public async Task<IReadOnlyList<string>> RemoveAsync(ReposRemoved removed, CancellationToken cancellationToken)
    {
        var ids = removed.Ids.Distinct(StringComparer.Ordinal).ToArray();
        var date = await SnapshotDates.DateOfAsync(db, removed.SnapshotId, removed.ObservedAt, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var gone = await db.Database.SqlQuery<string>($"""
            UPDATE lineage.models SET resolved = FALSE, removed_snapshot_id = {removed.SnapshotId}, removed_at = {date}
            WHERE id = ANY({ids}) AND (last_observed_at IS NULL OR last_observed_at < {date})
            RETURNING id AS "Value"
            """).ToArrayAsync(cancellationToken);
        var bases = await db.Database.SqlQuery<string>($"""
            UPDATE lineage.edges SET valid_to_snapshot_id = {removed.SnapshotId}, valid_to = {date}
            WHERE model_id = ANY({gone}) AND valid_to IS NULL AND valid_from < {date}
            RETURNING base_model_id AS "Value"
            """).ToListAsync(cancellationToken);
        if (bases.Count > 0)
        {
            await UnrollFromAsync(date, cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        logger.RemovedModelsLeft(removed.SnapshotId, gone.Length, ids.Length, bases.Count);
        return bases.Distinct(StringComparer.Ordinal).ToArray();
    }
}
