using HubPlatform.Lineage.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Lineage.Graph;

/// <summary>
/// Recomputes every family's size from the graph in one transaction. The closure uses UNION, so
/// each (ancestor, descendant) pair appears once and a cycle in declared lineage terminates.
/// Relation counts are over the family's edges (a quantization of a finetune counts as a quantization).
/// </summary>
public sealed class FamilyRollup(LineageDbContext db, ILogger<FamilyRollup> logger)
{
    public async Task RecomputeAsync(CancellationToken cancellationToken)
    {
        using var activity = HubTelemetry.ActivitySource.StartActivity("lineage family rollup");
        var started = DateTime.UtcNow;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Two consumers may both see a snapshot finish; the second waits and recomputes the same.
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtext('lineage:family-rollup'))", cancellationToken);
        await db.Database.ExecuteSqlAsync($"DELETE FROM lineage.family_sizes", cancellationToken);
        // The closure goes to an indexed temporary table: the relation mix probes it per edge.
        await db.Database.ExecuteSqlAsync($"""
            CREATE TEMPORARY TABLE closure ON COMMIT DROP AS
            WITH RECURSIVE c(ancestor, descendant) AS (
                SELECT base_model_id, model_id FROM lineage.edges
                UNION
                SELECT c.ancestor, e.model_id FROM c JOIN lineage.edges e ON e.base_model_id = c.descendant
            )
            SELECT ancestor, descendant FROM c WHERE ancestor <> descendant;
            CREATE INDEX ON closure (ancestor, descendant);
            ANALYZE closure;
            """, cancellationToken);
        var families = await db.Database.ExecuteSqlAsync($"""
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
                FROM closure c JOIN lineage.edges e ON e.model_id = c.descendant
                WHERE e.base_model_id = c.ancestor
                   OR EXISTS (SELECT 1 FROM closure p WHERE p.ancestor = c.ancestor AND p.descendant = e.base_model_id)
                GROUP BY c.ancestor
            )
            INSERT INTO lineage.family_sizes (base_model_id, descendants, descendant_downloads, finetunes, adapters, quantizations, merges, computed_at)
            SELECT f.ancestor, f.descendants, f.downloads, coalesce(r.finetunes, 0), coalesce(r.adapters, 0),
                   coalesce(r.quantizations, 0), coalesce(r.merges, 0), now()
            FROM family f LEFT JOIN relations r ON r.ancestor = f.ancestor
            """, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Family rollup: {Families} families in {Seconds:F1}s", families, (DateTime.UtcNow - started).TotalSeconds);
    }
}
