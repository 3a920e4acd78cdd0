using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Migrations;

namespace HubPlatform.Metrics.Infrastructure;

/// <summary>
/// The fact tables (one row per repo per snapshot) are LIST-partitioned by snapshot: a snapshot's
/// rows live in their own table, so a 2M-model snapshot loads into a small, fresh table and
/// dropping a snapshot (SnapshotRetention) drops its partitions, not deleting millions of rows.
/// <para>Pages of a snapshot may arrive before its SnapshotStarted, so the first page (of each kind)
/// creates the partition. It is created standalone and then ATTACHed: ATTACH takes only a SHARE
/// UPDATE EXCLUSIVE lock on the parent, so ingest of other snapshots and queries go on. An advisory
/// lock serialises concurrent creators, and each process remembers the partitions it made sure of
/// so later pages skip the round trip.</para>
/// </summary>
public static class FactPartitions
{
    /// <summary>The fact tables and their repo key column (fixed strings, never input).</summary>
    public static readonly IReadOnlyList<(string Table, string Key)> Tables =
        [("model_facts", "model_id"), ("dataset_facts", "dataset_id"), ("space_facts", "space_id")];

    /// <summary>Any fixed number: the advisory lock key partition creators share.</summary>
    private const long LockKey = 0x6d65747269637350; // "metricsP"

    private static readonly ConcurrentDictionary<(string Database, string Table, Guid Snapshot), bool> Known = new();

    public static string PartitionOf(string table, Guid snapshot) => $"{table}_{snapshot:N}";

    /// <summary>
    /// Called by the Initial migration after EF created the fact tables: EF cannot declare a
    /// partitioned table, so the (still empty) tables are recreated PARTITION BY LIST (snapshot_id)
    /// with the same columns, key and index names EF gave them, and EF's mappings stay valid.
    /// </summary>
    public static void PartitionBySnapshot(MigrationBuilder migrationBuilder)
    {
        foreach (var (table, key) in Tables)
        {
            migrationBuilder.Sql($"""
                CREATE TABLE {MetricsDbContext.Schema}.{table}_partitioned (LIKE {MetricsDbContext.Schema}.{table} INCLUDING DEFAULTS) PARTITION BY LIST (snapshot_id);
                DROP TABLE {MetricsDbContext.Schema}.{table};
                ALTER TABLE {MetricsDbContext.Schema}.{table}_partitioned RENAME TO {table};
                ALTER TABLE {MetricsDbContext.Schema}.{table} ADD CONSTRAINT pk_{table} PRIMARY KEY (snapshot_id, {key});
                CREATE INDEX ix_{table}_{key} ON {MetricsDbContext.Schema}.{table} ({key});
                """);
        }
    }

    /// <summary>Makes sure <paramref name="table"/> has the snapshot's partition. Call outside the page's transaction.</summary>
    public static async Task EnsureAsync(MetricsDbContext db, string table, Guid snapshot, CancellationToken ct)
    {
        var known = (db.Database.GetDbConnection().Database ?? "", table, snapshot);
        if (Known.ContainsKey(known))
        {
            return;
        }
        var partition = PartitionOf(table, snapshot);
        // One statement, so the advisory lock is held to its end; the names are built from a Guid and fixed strings.
#pragma warning disable EF1002
        await db.Database.ExecuteSqlRawAsync($"""
            DO $$ BEGIN
                PERFORM pg_advisory_xact_lock({LockKey});
                IF to_regclass('{MetricsDbContext.Schema}.{partition}') IS NULL THEN
                    CREATE TABLE {MetricsDbContext.Schema}.{partition} (LIKE {MetricsDbContext.Schema}.{table} INCLUDING DEFAULTS);
                    ALTER TABLE {MetricsDbContext.Schema}.{table} ATTACH PARTITION {MetricsDbContext.Schema}.{partition} FOR VALUES IN ('{snapshot}');
                END IF;
            END $$
            """, ct);
#pragma warning restore EF1002
        Known[known] = true;
    }

    /// <summary>Forgets this process's note that the snapshot's partitions exist (retention dropped them).</summary>
    public static void Forget(MetricsDbContext db, Guid snapshot)
    {
        foreach (var (table, _) in Tables)
        {
            Known.TryRemove((db.Database.GetDbConnection().Database ?? "", table, snapshot), out _);
        }
    }

    /// <summary>Makes sure every fact table has the snapshot's partition.</summary>
    public static async Task EnsureAllAsync(MetricsDbContext db, Guid snapshot, CancellationToken ct)
    {
        foreach (var (table, _) in Tables)
        {
            await EnsureAsync(db, table, snapshot, ct);
        }
    }
}
