using HubPlatform.Lineage.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace HubPlatform.Lineage.Graph;

/// <summary>
/// Rolls up one snapshot's graph (the edge versions that hold at its date, so a later snapshot
/// already arriving does not leak in): every family's size and relation mix, the hub-wide depth
/// levels and the models caught in cycles. The closure uses UNION, so each (ancestor, descendant)
/// pair appears once and a cycle of declared lineage terminates; the depth walk adds each model
/// once, at its first level. Relation counts are over the family's edges (a quantization of a
/// finetune counts as a quantization).
/// </summary>
public sealed class FamilyRollup(LineageDbContext db, ILogger<FamilyRollup> logger)
{
    public async Task RecomputeAsync(Guid snapshotId, CancellationToken cancellationToken)
    {
        using var activity = HubTelemetry.ActivitySource.StartActivity("lineage family rollup");
        var started = DateTime.UtcNow;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Two consumers may both see a snapshot finish; the second waits and recomputes the same.
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtext('lineage:family-rollup'))", cancellationToken);
        var date = await db.Snapshots.Where(s => s.Id == snapshotId).Select(s => s.ObservedAt).SingleAsync(cancellationToken)
            ?? throw new InvalidOperationException($"Snapshot {snapshotId} has no date yet.");
        var asOf = new GraphAsOf(date, snapshotId);
        await db.Database.ExecuteSqlAsync($"DELETE FROM lineage.family_sizes WHERE snapshot_id = {snapshotId}", cancellationToken);
        await db.Database.ExecuteSqlAsync($"DELETE FROM lineage.depth_levels WHERE snapshot_id = {snapshotId}", cancellationToken);
        await db.Database.ExecuteSqlAsync($"DELETE FROM lineage.cycle_members WHERE snapshot_id = {snapshotId}", cancellationToken);
        await Sql($"""
            CREATE TEMPORARY TABLE live (model_id text NOT NULL, base_model_id text NOT NULL, relation text NOT NULL) ON COMMIT DROP;
            INSERT INTO live SELECT e.model_id, e.base_model_id, e.relation FROM lineage.edges e WHERE {asOf.Edges("e")};
            CREATE INDEX ON live (base_model_id);
            CREATE INDEX ON live (model_id);
            ANALYZE live;
            """, asOf.Parameters());
        // The closure goes to an indexed temporary table: the relation mix probes it per edge.
        await Sql("""
            CREATE TEMPORARY TABLE closure ON COMMIT DROP AS
            WITH RECURSIVE c(ancestor, descendant) AS (
                SELECT base_model_id, model_id FROM live
                UNION
                SELECT c.ancestor, e.model_id FROM c JOIN live e ON e.base_model_id = c.descendant
            )
            SELECT ancestor, descendant FROM c;
            """, []);
        var cycles = await Sql("""
            INSERT INTO lineage.cycle_members (snapshot_id, model_id)
            SELECT @snapshot, ancestor FROM closure WHERE ancestor = descendant
            """, [new NpgsqlParameter("snapshot", snapshotId)]);
        await Sql("""
            DELETE FROM closure WHERE ancestor = descendant;
            CREATE INDEX ON closure (ancestor, descendant);
            ANALYZE closure;
            """, []);
        var families = await Sql("""
            WITH family AS (
                SELECT c.ancestor, count(*) AS descendants, coalesce(sum(m.downloads), 0) AS downloads
                FROM closure c JOIN lineage.models m ON m.id = c.descendant
                GROUP BY c.ancestor
            ),
            relations AS (
                SELECT c.ancestor,
                       count(DISTINCT e.model_id) FILTER (WHERE e.relation = 'finetune') AS finetunes,
                       count(DISTINCT e.model_id) FILTER (WHERE e.relation = 'adapter') AS adapters,
                       count(DISTINCT e.model_id) FILTER (WHERE e.relation = 'quantized') AS quantizations,
                       count(DISTINCT e.model_id) FILTER (WHERE e.relation = 'merge') AS merges
                FROM closure c JOIN live e ON e.model_id = c.descendant
                WHERE e.base_model_id = c.ancestor
                   OR EXISTS (SELECT 1 FROM closure p WHERE p.ancestor = c.ancestor AND p.descendant = e.base_model_id)
                GROUP BY c.ancestor
            ),
            children AS (
                SELECT base_model_id AS ancestor,
                       count(*) FILTER (WHERE relation = 'finetune') AS finetunes,
                       count(*) FILTER (WHERE relation = 'adapter') AS adapters,
                       count(*) FILTER (WHERE relation = 'quantized') AS quantizations,
                       count(*) FILTER (WHERE relation = 'merge') AS merges
                FROM live GROUP BY base_model_id
            )
            INSERT INTO lineage.family_sizes (snapshot_id, base_model_id, descendants, descendant_downloads, finetunes, adapters, quantizations, merges,
                                              child_finetunes, child_adapters, child_quantizations, child_merges, computed_at)
            SELECT @snapshot, f.ancestor, f.descendants, f.downloads, coalesce(r.finetunes, 0), coalesce(r.adapters, 0),
                   coalesce(r.quantizations, 0), coalesce(r.merges, 0),
                   coalesce(k.finetunes, 0), coalesce(k.adapters, 0), coalesce(k.quantizations, 0), coalesce(k.merges, 0), now()
            FROM family f LEFT JOIN relations r ON r.ancestor = f.ancestor LEFT JOIN children k ON k.ancestor = f.ancestor
            """, [new NpgsqlParameter("snapshot", snapshotId)]);
        var depth = await RollUpDepthAsync(snapshotId);
        await db.Database.ExecuteSqlAsync($"UPDATE lineage.snapshots SET rolled_up_at = now() WHERE id = {snapshotId}", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (cycles > 0)
        {
            logger.LogWarning("Snapshot {SnapshotId}: {Models} models are their own ancestors (cycles of declared lineage)", snapshotId, cycles);
        }
        logger.LogInformation("Family rollup of snapshot {SnapshotId}: {Families} families, {Levels} depth levels in {Seconds:F1}s",
            snapshotId, families, depth, (DateTime.UtcNow - started).TotalSeconds);

        Task<int> Sql(string sql, IEnumerable<NpgsqlParameter> parameters) =>
            db.Database.ExecuteSqlRawAsync(sql, parameters.Cast<object>(), cancellationToken);

        // Breadth-first from the roots (models with children and no base), a level per statement;
        // a model joins once, at its nearest root's distance, so cycles end the walk like anything else.
        async Task<int> RollUpDepthAsync(Guid snapshot)
        {
            await Sql("""
                CREATE TEMPORARY TABLE levels (id text PRIMARY KEY, depth int NOT NULL) ON COMMIT DROP;
                INSERT INTO levels SELECT DISTINCT l.base_model_id, 0 FROM live l
                WHERE NOT EXISTS (SELECT 1 FROM live p WHERE p.model_id = l.base_model_id);
                """, []);
            for (var level = 0; ; level++)
            {
                var added = await Sql("""
                    INSERT INTO levels SELECT DISTINCT e.model_id, @level + 1 FROM live e JOIN levels l ON l.id = e.base_model_id AND l.depth = @level
                    ON CONFLICT (id) DO NOTHING
                    """, [new NpgsqlParameter("level", level)]);
                if (added == 0)
                {
                    break;
                }
            }
            return await Sql($"""
                INSERT INTO lineage.depth_levels (snapshot_id, depth, models)
                SELECT @snapshot, depth, count(*) FROM levels GROUP BY depth
                UNION ALL
                SELECT @snapshot, {DepthLevel.InCyclesOnly}, count(*) FROM (SELECT model_id FROM live UNION SELECT base_model_id FROM live) n
                WHERE NOT EXISTS (SELECT 1 FROM levels l WHERE l.id = n.model_id)
                HAVING count(*) > 0
                """, [new NpgsqlParameter("snapshot", snapshot)]);
        }
    }
}
