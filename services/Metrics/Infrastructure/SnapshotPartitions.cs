using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Migrations;

namespace HubPlatform.Metrics.Infrastructure;

/// <summary>
/// Every table with rows per snapshot is LIST-partitioned by snapshot: a snapshot's rows live in
/// their own table, so a 2M-model snapshot loads into a small, fresh table and dropping a snapshot
/// (SnapshotRetention) drops its partitions, not deleting millions of rows.
/// <list type="bullet">
/// <item>The fact tables (one row per repo per snapshot): pages of a snapshot may arrive before its
/// SnapshotStarted, so the first page (of each kind) creates the partition. It is created standalone
/// and then ATTACHed: ATTACH takes only a SHARE UPDATE EXCLUSIVE lock on the parent, so ingest of
/// other snapshots and queries go on. An advisory lock serialises concurrent creators, and each
/// process remembers the partitions it made sure of so later pages skip the round trip.</item>
/// <item>The aggregate tables (<see cref="SnapshotAggregates"/>): built whole, once, into a fresh
/// table without indexes and then attached, which builds each index in one sorted pass instead of
/// inserting a million rows into three B-trees.</item>
/// </list>
/// </summary>
public static class SnapshotPartitions
{
    /// <summary>The fact tables and their repo key column (fixed strings, never input).</summary>
    public static readonly IReadOnlyList<(string Table, string Key)> FactTables =
        [("model_facts", "model_id"), ("dataset_facts", "dataset_id"), ("space_facts", "space_id")];

    /// <summary>Any fixed number: the advisory lock key partition creators share.</summary>
    private const long LockKey = 0x6d65747269637350; // "metricsP"

    private static readonly ConcurrentDictionary<(string Database, string Table, Guid Snapshot), bool> Known = new();

    public static string PartitionOf(string table, Guid snapshot) => $"{table}_{snapshot:N}";

    /// <summary>
    /// Called by the Initial migration after EF created the tables: EF cannot declare a partitioned
    /// table, so the (still empty) tables are recreated PARTITION BY LIST (snapshot_id) with the same
    /// columns, keys and index names EF gave them, and EF's mappings stay valid.
    /// </summary>
    public static void PartitionBySnapshot(MigrationBuilder migrationBuilder)
    {
        foreach (var (table, key) in FactTables)
        {
            Recreate(migrationBuilder, table, $"snapshot_id, {key}", $"CREATE INDEX ix_{table}_{key} ON {{0}} ({key})");
        }
        Recreate(migrationBuilder, "created_per_day", "snapshot_id, author, day, repo_type",
            "CREATE INDEX ix_created_per_day_snapshot_id_day ON {0} (snapshot_id, day) INCLUDE (author, repo_type, repos)",
            "CREATE INDEX ix_created_per_day_snapshot_id_author_key ON {0} (snapshot_id, author_key)");
        Recreate(migrationBuilder, "model_organization_totals", "snapshot_id, author");
        Recreate(migrationBuilder, "model_tag_totals", "snapshot_id, pipeline_tag, author");
        Recreate(migrationBuilder, "dataset_organization_totals", "snapshot_id, author");
        Recreate(migrationBuilder, "dataset_dimension_totals", "snapshot_id, dimension, key");
    }

    /// <summary>
    /// Recreates <paramref name="table"/> (just created by EF, still empty) partitioned by snapshot; each index statement names
    /// the table as <c>{0}</c>. Later migrations call it between EF's CreateTable and its CreateIndex, which then index the partitioned table.
    /// </summary>
    public static void Recreate(MigrationBuilder migrationBuilder, string table, string primaryKey, params string[] indexes)
    {
        var name = $"{MetricsDbContext.Schema}.{table}";
        var createIndexes = string.Concat(indexes.Select(i => string.Format(CultureInfo.InvariantCulture, i, name) + ";\n"));
        migrationBuilder.Sql($"""
            CREATE TABLE {name}_partitioned (LIKE {name} INCLUDING DEFAULTS) PARTITION BY LIST (snapshot_id);
            DROP TABLE {name};
            ALTER TABLE {name}_partitioned RENAME TO {table};
            ALTER TABLE {name} ADD CONSTRAINT pk_{table} PRIMARY KEY ({primaryKey});
            {createIndexes}
            """);
    }

    /// <summary>Drops the snapshot's partition of every fact and aggregate table (inside the caller's transaction).</summary>
    public static async Task DropAsync(MetricsDbContext db, Guid snapshot, CancellationToken ct)
    {
#pragma warning disable EF1002 // partition names are built from a Guid and fixed table names
        foreach (var table in FactTables.Select(f => f.Table).Concat(SnapshotAggregates.Tables))
        {
            await db.Database.ExecuteSqlRawAsync($"DROP TABLE IF EXISTS {MetricsDbContext.Schema}.{PartitionOf(table, snapshot)}", ct);
        }
#pragma warning restore EF1002
        Forget(db, snapshot);
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
    private static void Forget(MetricsDbContext db, Guid snapshot)
    {
        foreach (var (table, _) in FactTables)
        {
            Known.TryRemove((db.Database.GetDbConnection().Database ?? "", table, snapshot), out _);
        }
    }

    /// <summary>Makes sure every fact table has the snapshot's partition.</summary>
    public static async Task EnsureAllAsync(MetricsDbContext db, Guid snapshot, CancellationToken ct)
    {
        foreach (var (table, _) in FactTables)
        {
            await EnsureAsync(db, table, snapshot, ct);
        }
    }
}
