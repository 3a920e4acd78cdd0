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
/// </list>
/// <para>They are built once, when the snapshot is fully ingested (every expected page stored), from
/// what is stored then, so the order pages arrived in does not matter. The build is one
/// transaction under a per-snapshot advisory lock that deletes and re-inserts the snapshot's rows
/// and stamps <see cref="Snapshot.AggregatedAt"/>: two consumers finding the snapshot complete at
/// once build it once, and a replayed page after that finds it built and changes nothing. Until
/// then (a crawl in progress) the queries read the facts.</para>
/// </summary>
public static class SnapshotAggregates
{
    /// <summary>The aggregate tables (fixed strings): retention deletes a dropped snapshot's rows from each.</summary>
    public static readonly string[] Tables = ["created_per_day", "model_organization_totals", "model_tag_totals", "dataset_organization_totals"];

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
        foreach (var table in Tables)
        {
#pragma warning disable EF1002 // fixed table names
            await db.Database.ExecuteSqlRawAsync($"DELETE FROM {MetricsDbContext.Schema}.{table} WHERE snapshot_id = {{0}}", [snapshot], ct);
#pragma warning restore EF1002
        }
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO metrics.created_per_day (snapshot_id, author, day, repo_type, author_key, repos)
            SELECT {snapshot}, c.author, c.day, c.repo_type, lower(c.author), count(*)
            FROM (SELECT r.author, (r.created_at AT TIME ZONE 'UTC')::date AS day, 'model' AS repo_type
                  FROM metrics.model_facts x JOIN metrics.models r ON r.id = x.model_id
                  WHERE x.snapshot_id = {snapshot} AND r.created_at IS NOT NULL
                  UNION ALL
                  SELECT r.author, (r.created_at AT TIME ZONE 'UTC')::date, 'dataset'
                  FROM metrics.dataset_facts x JOIN metrics.datasets r ON r.id = x.dataset_id
                  WHERE x.snapshot_id = {snapshot} AND r.created_at IS NOT NULL
                  UNION ALL
                  SELECT r.author, (r.created_at AT TIME ZONE 'UTC')::date, 'space'
                  FROM metrics.space_facts x JOIN metrics.spaces r ON r.id = x.space_id
                  WHERE x.snapshot_id = {snapshot} AND r.created_at IS NOT NULL) c
            GROUP BY c.author, c.day, c.repo_type
            """, ct);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO metrics.model_tag_totals (snapshot_id, author, pipeline_tag, models, downloads, downloads_all_time, likes)
            SELECT {snapshot}, m.author, coalesce(m.pipeline_tag, ''), count(*), sum(x.downloads), sum(coalesce(x.downloads_all_time, 0)), sum(x.likes)
            FROM metrics.model_facts x JOIN metrics.models m ON m.id = x.model_id
            WHERE x.snapshot_id = {snapshot}
            GROUP BY m.author, coalesce(m.pipeline_tag, '')
            """, ct);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO metrics.model_organization_totals (snapshot_id, author, models, downloads, downloads_all_time, likes)
            SELECT {snapshot}, t.author, sum(t.models), sum(t.downloads), sum(t.downloads_all_time), sum(t.likes)
            FROM metrics.model_tag_totals t
            WHERE t.snapshot_id = {snapshot}
            GROUP BY t.author
            """, ct);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO metrics.dataset_organization_totals (snapshot_id, author, datasets, downloads, downloads_all_time, likes)
            SELECT {snapshot}, d.author, count(*), sum(x.downloads), sum(coalesce(x.downloads_all_time, 0)), sum(x.likes)
            FROM metrics.dataset_facts x JOIN metrics.datasets d ON d.id = x.dataset_id
            WHERE x.snapshot_id = {snapshot}
            GROUP BY d.author
            """, ct);
        await db.Database.ExecuteSqlAsync($"UPDATE metrics.snapshots SET aggregated_at = now() WHERE id = {snapshot}", ct);
        await transaction.CommitAsync(ct);
        return true;
    }

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
