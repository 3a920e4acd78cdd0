using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Metrics.Infrastructure;

/// <summary>
/// Per-snapshot pre-aggregates of the fact tables, so the default views read thousands of rows,
/// not a million-row join of facts with dimensions:
/// <list type="bullet">
/// <item><see cref="CreatedPerDay"/>: repos created per author per UTC day per repo type (HeatMap calendar and ranking; provider groups are sums of their members' authors).</item>
/// <item><see cref="ModelOrganizationTotal"/>: models, downloads and likes per author (ModelVerse unfiltered or by org type).</item>
/// <item><see cref="ModelTagTotal"/>: the same per author per pipeline tag (ModelVerse with pipeline-tag or modality filters).</item>
/// <item><see cref="DatasetOrganizationTotal"/>: datasets, downloads and likes per author (DataVerse).</item>
/// <item><see cref="DatasetDimensionTotal"/>: the same per value of each dataset dimension (DataVerse breakdowns).</item>
/// </list>
/// <para>They are built once, when the snapshot is fully ingested (every expected page stored), from
/// what is stored then, so the order pages arrived in does not matter. The build is one
/// transaction under a per-snapshot advisory lock that (re)creates the snapshot's partitions
/// and stamps <see cref="Snapshot.AggregatedAt"/>: two consumers finding the snapshot complete at
/// once build it once, and a replayed page after that finds it built and changes nothing. Each
/// table's rows for the snapshot are its partition (<see cref="SnapshotPartitions"/>). Until
/// then (a crawl in progress) the queries read the facts.</para>
/// </summary>
public static class SnapshotAggregates
{
    /// <summary>The aggregate tables (fixed strings), each partitioned by snapshot.</summary>
    public static readonly string[] Tables = ["created_per_day", "model_organization_totals", "model_tag_totals", "dataset_organization_totals", "dataset_dimension_totals"];

    internal static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<CreatedPerDay>(c =>
        {
            c.HasKey(x => new { x.SnapshotId, x.Author, x.Day, x.RepoType });
            c.Property(x => x.RepoType).HasMaxLength(8);
            // The ranking reads a window of days of one snapshot; the calendar one account, matched case-insensitively.
            c.HasIndex(x => new { x.SnapshotId, x.Day }).IncludeProperties(x => new { x.Author, x.RepoType, x.Repos });
            c.HasIndex(x => new { x.SnapshotId, x.AuthorKey });
        });
        modelBuilder.Entity<ModelOrganizationTotal>(t => t.HasKey(x => new { x.SnapshotId, x.Author }));
        modelBuilder.Entity<ModelTagTotal>(t => t.HasKey(x => new { x.SnapshotId, x.PipelineTag, x.Author }));
        modelBuilder.Entity<DatasetOrganizationTotal>(t => t.HasKey(x => new { x.SnapshotId, x.Author }));
        modelBuilder.Entity<DatasetDimensionTotal>(t =>
        {
            t.HasKey(x => new { x.SnapshotId, x.Dimension, x.Key });
            t.Property(x => x.Dimension).HasMaxLength(16);
        });
    }

    /// <summary>Builds the snapshot's aggregates unless they are built. True when this call built them.</summary>
    public static async Task<bool> BuildAsync(MetricsDbContext db, Guid snapshot, CancellationToken ct)
    {
        // A 1M-model snapshot takes tens of seconds here (1.5M author-days), past the default 30 s
        // command timeout, which dead-lettered the snapshot's last page in the 1M bench.
        var previousTimeout = db.Database.GetCommandTimeout();
        db.Database.SetCommandTimeout(BuildTimeout);
        try
        {
            return await BuildOnceAsync(db, snapshot, ct);
        }
        finally
        {
            db.Database.SetCommandTimeout(previousTimeout);
        }
    }

    /// <summary>How long one statement of the build may take: far above what a 2M-model snapshot needs, yet bounded.</summary>
    public static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(15);

    private static async Task<bool> BuildOnceAsync(MetricsDbContext db, Guid snapshot, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({snapshot.ToString()}, 7))", ct);
        if (await db.Snapshots.AnyAsync(s => s.Id == snapshot && s.AggregatedAt != null, ct))
        {
            return false;
        }
        // Grouping a million facts joined with their repos spills to disk with the default 4 MB per
        // sort or hash; one build runs per snapshot (the lock above), so this much is bounded.
        await db.Database.ExecuteSqlAsync($"SET LOCAL work_mem = '256MB'", ct);
        // ATTACH builds each partition's key and indexes by sorting its rows (1.7M author-days at 1M models): with the
        // default 64 MB those sorts went to disk, and the attach of created_per_day took 11.5 s of the build's 31.5 s.
        await db.Database.ExecuteSqlAsync($"SET LOCAL maintenance_work_mem = '512MB'", ct);
#pragma warning disable EF1002 // partition names are built from a Guid and fixed table names; the snapshot is a parameter
        // Each aggregate goes into a fresh table of its own, attached as the snapshot's partition once filled: ATTACH
        // builds its key and indexes in one sorted pass (1.7M synthetic author-days: 5.9 s, against 15.1 s inserted into three B-trees).
        foreach (var table in Tables)
        {
            await db.Database.ExecuteSqlRawAsync($"""
                DROP TABLE IF EXISTS {Partition(table, snapshot)};
                CREATE TABLE {Partition(table, snapshot)} (LIKE {MetricsDbContext.Schema}.{table} INCLUDING DEFAULTS)
                """, ct);
        }
        await db.Database.ExecuteSqlRawAsync($$"""
            INSERT INTO {{Partition("created_per_day", snapshot)}} (snapshot_id, author, day, repo_type, author_key, repos)
            SELECT {0}, c.author, c.day, c.repo_type, lower(c.author), count(*)
            FROM (SELECT r.author, (r.created_at AT TIME ZONE 'UTC')::date AS day, 'model' AS repo_type
                  FROM metrics.model_facts x JOIN metrics.models r ON r.id = x.model_id
                  WHERE x.snapshot_id = {0} AND r.created_at IS NOT NULL
                  UNION ALL
                  SELECT r.author, (r.created_at AT TIME ZONE 'UTC')::date, 'dataset'
                  FROM metrics.dataset_facts x JOIN metrics.datasets r ON r.id = x.dataset_id
                  WHERE x.snapshot_id = {0} AND r.created_at IS NOT NULL
                  UNION ALL
                  SELECT r.author, (r.created_at AT TIME ZONE 'UTC')::date, 'space'
                  FROM metrics.space_facts x JOIN metrics.spaces r ON r.id = x.space_id
                  WHERE x.snapshot_id = {0} AND r.created_at IS NOT NULL) c
            GROUP BY c.author, c.day, c.repo_type
            """, [snapshot], ct);
        await db.Database.ExecuteSqlRawAsync($$"""
            INSERT INTO {{Partition("model_tag_totals", snapshot)}} (snapshot_id, author, pipeline_tag, models, downloads, downloads_all_time, likes)
            SELECT {0}, m.author, coalesce(m.pipeline_tag, ''), count(*), sum(x.downloads), sum(coalesce(x.downloads_all_time, 0)), sum(x.likes)
            FROM metrics.model_facts x JOIN metrics.models m ON m.id = x.model_id
            WHERE x.snapshot_id = {0}
            GROUP BY m.author, coalesce(m.pipeline_tag, '')
            """, [snapshot], ct);
        await db.Database.ExecuteSqlRawAsync($$"""
            INSERT INTO {{Partition("model_organization_totals", snapshot)}} (snapshot_id, author, models, downloads, downloads_all_time, likes)
            SELECT {0}, t.author, sum(t.models), sum(t.downloads), sum(t.downloads_all_time), sum(t.likes)
            FROM {{Partition("model_tag_totals", snapshot)}} t
            GROUP BY t.author
            """, [snapshot], ct);
        await db.Database.ExecuteSqlRawAsync($$"""
            INSERT INTO {{Partition("dataset_organization_totals", snapshot)}} (snapshot_id, author, datasets, downloads, downloads_all_time, likes)
            SELECT {0}, d.author, count(*), sum(x.downloads), sum(coalesce(x.downloads_all_time, 0)), sum(x.likes)
            FROM metrics.dataset_facts x JOIN metrics.datasets d ON d.id = x.dataset_id
            WHERE x.snapshot_id = {0}
            GROUP BY d.author
            """, [snapshot], ct);
        await db.Database.ExecuteSqlRawAsync($$"""
            INSERT INTO {{Partition("dataset_dimension_totals", snapshot)}} (snapshot_id, dimension, key, datasets, downloads, downloads_all_time, likes)
            SELECT {0}, k.dimension, k.key, count(*), sum(x.downloads), sum(coalesce(x.downloads_all_time, 0)), sum(x.likes)
            FROM metrics.dataset_facts x JOIN metrics.datasets d ON d.id = x.dataset_id
            CROSS JOIN LATERAL ({{string.Join(" UNION ALL ", DatasetDimensions.Select(k => $"SELECT '{k.Dimension}', {k.KeySql}"))}}) k(dimension, key)
            WHERE x.snapshot_id = {0}
            GROUP BY k.dimension, k.key
            """, [snapshot], ct);
        foreach (var table in Tables)
        {
            await db.Database.ExecuteSqlRawAsync(
                $"ALTER TABLE {MetricsDbContext.Schema}.{table} ATTACH PARTITION {Partition(table, snapshot)} FOR VALUES IN ('{snapshot}')", ct);
        }
#pragma warning restore EF1002
        await db.Database.ExecuteSqlAsync($"UPDATE metrics.snapshots SET aggregated_at = now() WHERE id = {snapshot}", ct);
        await transaction.CommitAsync(ct);
        return true;
    }

    /// <summary>
    /// The dataset dimensions a breakdown can be by, each with the SQL giving a dataset's values (<c>d</c> is its row in
    /// metrics.datasets; an array dimension counts a dataset under each of its values, none under "none"). Org type is
    /// not among them: an author's type can change after the snapshot (its overview arrives later), so it is read live.
    /// </summary>
    public static readonly IReadOnlyList<(string Dimension, string KeySql)> DatasetDimensions =
    [
        ("taskCategory", "unnest(CASE WHEN cardinality(d.task_categories) = 0 THEN ARRAY['none'] ELSE d.task_categories END)"),
        ("domain", "unnest(CASE WHEN cardinality(d.domains) = 0 THEN ARRAY['none'] ELSE d.domains END)"),
        ("modality", "unnest(CASE WHEN cardinality(d.modalities) = 0 THEN ARRAY['none'] ELSE d.modalities END)"),
        ("license", "coalesce(d.license, 'none')"),
        ("sizeCategory", "coalesce(d.size_category, 'none')"),
    ];

    private static string Partition(string table, Guid snapshot) => $"{MetricsDbContext.Schema}.{SnapshotPartitions.PartitionOf(table, snapshot)}";

    /// <summary>True when the snapshot's aggregates are built and can stand for its facts.</summary>
    public static Task<bool> IsBuiltAsync(MetricsDbContext db, Guid snapshot, CancellationToken ct) =>
        db.Snapshots.AnyAsync(s => s.Id == snapshot && s.AggregatedAt != null, ct);
}

/// <summary>How many repos of a type an author created on a UTC day, among those a snapshot saw.</summary>
public sealed class CreatedPerDay
{
    public Guid SnapshotId { get; set; }
    public string Author { get; set; } = "";
    /// <summary>The author lower-cased: Hub account names are case-insensitive, and the calendar is asked by any spelling.</summary>
    public string AuthorKey { get; set; } = "";
    public DateOnly Day { get; set; }
    /// <summary>"model", "dataset" or "space".</summary>
    public string RepoType { get; set; } = "";
    public int Repos { get; set; }
}

/// <summary>One author's models in a snapshot and their summed numbers.</summary>
public sealed class ModelOrganizationTotal
{
    public Guid SnapshotId { get; set; }
    public string Author { get; set; } = "";
    public long Models { get; set; }
    public long Downloads { get; set; }
    public long DownloadsAllTime { get; set; }
    public long Likes { get; set; }
}

/// <summary>One author's models of one pipeline tag ("" for none) in a snapshot, and their summed numbers.</summary>
public sealed class ModelTagTotal
{
    public Guid SnapshotId { get; set; }
    public string Author { get; set; } = "";
    public string PipelineTag { get; set; } = "";
    public long Models { get; set; }
    public long Downloads { get; set; }
    public long DownloadsAllTime { get; set; }
    public long Likes { get; set; }
}

/// <summary>One author's datasets in a snapshot and their summed numbers.</summary>
public sealed class DatasetOrganizationTotal
{
    public Guid SnapshotId { get; set; }
    public string Author { get; set; } = "";
    public long Datasets { get; set; }
    public long Downloads { get; set; }
    public long DownloadsAllTime { get; set; }
    public long Likes { get; set; }
}

/// <summary>One value of a dataset dimension (a task category, a license...) in a snapshot: its datasets and their summed numbers.</summary>
public sealed class DatasetDimensionTotal
{
    public Guid SnapshotId { get; set; }
    /// <summary>A key of <see cref="SnapshotAggregates.DatasetDimensions"/>.</summary>
    public string Dimension { get; set; } = "";
    public string Key { get; set; } = "";
    public long Datasets { get; set; }
    public long Downloads { get; set; }
    public long DownloadsAllTime { get; set; }
    public long Likes { get; set; }
}
