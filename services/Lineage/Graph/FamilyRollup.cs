using HubPlatform.Lineage.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

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
    /// <summary>Keeps family sizes of this many newest rolled-up snapshots, besides the newest of every week.</summary>
    public const int KeptNewest = 3;

    /// <summary><paramref name="force"/>: redo even if rolled up (a removal changed the snapshot's graph, perhaps during its rollup).</summary>
    public async Task RecomputeAsync(Guid snapshotId, bool force, CancellationToken cancellationToken)
    {
        using var activity = HubTelemetry.ActivitySource.StartActivity("lineage family rollup");
        var started = DateTime.UtcNow;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Two consumers may both see a snapshot finish; the second waits and recomputes the same.
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtext('lineage:family-rollup'))", cancellationToken);
        var snapshot = await db.Snapshots.AsNoTracking().Where(s => s.Id == snapshotId).Select(s => new { s.ObservedAt, s.RolledUpAt })
            .SingleAsync(cancellationToken);
        // Done already (two consumers saw the snapshot finish, or a redelivered completion); a
        // removal that changes the graph afterwards clears rolled_up_at, so it is redone then.
        if (snapshot.RolledUpAt is not null && !force)
        {
            return;
        }
        var date = snapshot.ObservedAt ?? throw new InvalidOperationException($"Snapshot {snapshotId} has no date yet.");
        await db.Database.ExecuteSqlAsync($"DELETE FROM lineage.family_sizes WHERE snapshot_id = {snapshotId}", cancellationToken);
        await db.Database.ExecuteSqlAsync($"DELETE FROM lineage.depth_levels WHERE snapshot_id = {snapshotId}", cancellationToken);
        await db.Database.ExecuteSqlAsync($"DELETE FROM lineage.cycle_members WHERE snapshot_id = {snapshotId}", cancellationToken);
        // The graph as of the snapshot's date is read once and rolled up in memory (FamilyClosure): a
        // recursive closure in SQL (every ancestor-descendant pair, then joins over them) took 16 s at 1M models.
        var (edges, downloads) = await ReadGraphAsync(new GraphAsOf(date, snapshotId), cancellationToken);
        var rollup = FamilyClosure.Compute(edges, downloads);
        await CopyFamiliesAsync(snapshotId, rollup.Families, cancellationToken);
        var cycles = rollup.CycleMembers.ToArray();
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO lineage.cycle_members (snapshot_id, model_id) SELECT {snapshotId}, m FROM unnest({cycles}) AS m
            """, cancellationToken);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO lineage.depth_levels (snapshot_id, depth, models)
            SELECT {snapshotId}, d, n FROM unnest({rollup.DepthLevels.Select(l => l.Depth).ToArray()},
                                                  {rollup.DepthLevels.Select(l => l.Models).ToArray()}) AS l(d, n)
            """, cancellationToken);
        var (families, depth) = (rollup.Families.Count, rollup.DepthLevels.Count);
        await db.Database.ExecuteSqlAsync($"UPDATE lineage.snapshots SET rolled_up_at = now(), family_sizes_pruned_at = NULL WHERE id = {snapshotId}",
            cancellationToken);
        var pruned = await PruneAsync();
        await transaction.CommitAsync(cancellationToken);
        if (pruned > 0)
        {
            logger.FamilySizesPruned(pruned);
        }
        if (cycles.Length > 0)
        {
            logger.CyclesFound(snapshotId, cycles.Length);
        }
        logger.RolledUp(snapshotId, families, depth, (DateTime.UtcNow - started).TotalSeconds);

        // Retention: family sizes (a row per base model, ~300k a snapshot at 1M models) are kept for
        // the newest snapshots and the newest snapshot of each week; hourly crawls would otherwise
        // pile them up. A moment whose snapshot lost them walks its trees live (capped) and reads
        // the leaderboard of the newest kept snapshot before it. Depth levels and cycles are a few
        // rows a snapshot and stay.
        async Task<int> PruneAsync()
        {
            var prunedSnapshots = await db.Database.SqlQuery<Guid>($"""
                WITH rolled AS (SELECT id, observed_at FROM lineage.snapshots WHERE rolled_up_at IS NOT NULL AND observed_at IS NOT NULL),
                kept AS (
                    (SELECT id FROM rolled ORDER BY observed_at DESC, id DESC LIMIT {KeptNewest})
                    UNION
                    (SELECT DISTINCT ON (date_trunc('week', observed_at, 'UTC')) id FROM rolled
                     ORDER BY date_trunc('week', observed_at, 'UTC'), observed_at DESC, id DESC)
                )
                UPDATE lineage.snapshots s SET family_sizes_pruned_at = now()
                FROM rolled r WHERE s.id = r.id AND s.family_sizes_pruned_at IS NULL AND r.id NOT IN (SELECT id FROM kept)
                RETURNING s.id AS "Value"
                """).ToArrayAsync(cancellationToken);
            if (prunedSnapshots.Length > 0)
            {
                await db.Database.ExecuteSqlAsync($"DELETE FROM lineage.family_sizes WHERE snapshot_id = ANY({prunedSnapshots})", cancellationToken);
            }
            return prunedSnapshots.Length;
        }
    }

    /// <summary>The edges holding at the moment, each with its model's downloads (none when the model has no node).</summary>
    private async Task<(List<LiveEdge> Edges, Dictionary<string, long> Downloads)> ReadGraphAsync(GraphAsOf asOf, CancellationToken cancellationToken)
    {
        var edges = new List<LiveEdge>();
        var downloads = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var command = Command($"""
            SELECT e.model_id, e.base_model_id, e.relation, m.downloads
            FROM lineage.edges e LEFT JOIN lineage.models m ON m.id = e.model_id
            WHERE {asOf.Edges("e")}
            """);
        command.Parameters.AddRange(asOf.Parameters().ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var edge = new LiveEdge(reader.GetString(0), reader.GetString(1), reader.GetString(2));
            edges.Add(edge);
            if (!reader.IsDBNull(3))
            {
                downloads[edge.Model] = reader.GetInt64(3);
            }
        }
        return (edges, downloads);
    }

    /// <summary>A snapshot's family sizes (a row per base model: ~300k at 1M models) by binary COPY.</summary>
    private async Task CopyFamiliesAsync(Guid snapshotId, IReadOnlyList<FamilyTotals> families, CancellationToken cancellationToken)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var now = DateTimeOffset.UtcNow;
        await using var import = await connection.BeginBinaryImportAsync("""
            COPY lineage.family_sizes (snapshot_id, base_model_id, descendants, descendant_downloads, finetunes, adapters, quantizations, merges,
                                       child_finetunes, child_adapters, child_quantizations, child_merges, computed_at) FROM STDIN (FORMAT BINARY)
            """, cancellationToken);
        foreach (var f in families)
        {
            await import.StartRowAsync(cancellationToken);
            await import.WriteAsync(snapshotId, NpgsqlDbType.Uuid, cancellationToken);
            await import.WriteAsync(f.BaseModel, NpgsqlDbType.Text, cancellationToken);
            foreach (var value in (long[])[f.Descendants, f.DescendantDownloads, f.Finetunes, f.Adapters, f.Quantizations, f.Merges,
                                            f.ChildFinetunes, f.ChildAdapters, f.ChildQuantizations, f.ChildMerges])
            {
                await import.WriteAsync(value, NpgsqlDbType.Bigint, cancellationToken);
            }
            await import.WriteAsync(now, NpgsqlDbType.TimestampTz, cancellationToken);
        }
        await import.CompleteAsync(cancellationToken);
    }

    private NpgsqlCommand Command(string sql) =>
        new(sql, (NpgsqlConnection)db.Database.GetDbConnection(), (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction());
}
