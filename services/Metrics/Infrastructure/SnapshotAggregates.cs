using System.Collections.Concurrent;
using HubPlatform.Metrics.Dimensions;
using HubPlatform.Metrics.ModelVerse;
using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Metrics.Infrastructure;

/// <summary>
/// Per-snapshot pre-aggregates of the fact tables, shaped so that every default view reads a few rows: a ranking is
/// an index scan of its top k plus a totals row, not a sort of 200k authors (rows and indexes: <see cref="AggregateRows"/>).
/// <list type="bullet">
/// <item><c>created_per_day</c>: repos created per author per UTC day per repo type (HeatMap calendar; provider groups are sums of their
/// members).</item>
/// <item><c>activity_ranks</c>: the HeatMap ranking of every window the API can ask for (<see cref="ActivityRanks"/>).</item>
/// <item><c>model_tag_totals</c>, <c>model_modality_totals</c>, <c>model_organization_totals</c>: models, downloads and likes per author
/// per pipeline tag, per modality and overall (ModelVerse with a pipeline-tag or modality filter, or none), ranked by each metric;
/// <c>pipeline_tag_totals</c>: the same per tag over all authors (the rankings' totals).</item>
/// <item><c>model_author_facts</c>: the snapshot's models in author order with their numbers (ModelVerse's treemap: an author's top
/// models by index); the model aggregates are built from it.</item>
/// <item><c>model_parameter_facts</c>: the models with a parameter count, in parameter order; <c>parameter_bucket_totals</c> (per author per
/// size class) and <c>parameter_rankings</c> (<see cref="ParameterRankings"/>): ModelVerse's parameter ranges.</item>
/// <item><c>dataset_organization_totals</c> (ranked like the model totals) and <c>dataset_dimension_totals</c> (one row per value of each
/// dataset dimension): DataVerse.</item>
/// <item><c>author_org_types</c> and <c>org_type_totals</c> (<see cref="OrgTypeTotals"/>): the per-author totals summed by org type, the
/// totals of a ranking filtered by org type and DataVerse's breakdown by it, corrected for authors reclassified since.</item>
/// </list>
/// <para>They are built once, when the snapshot is fully ingested (every expected page stored), from what is stored then,
/// so the order pages arrived in does not matter. The tables are built in <see cref="Lanes"/>, side by side, each lane in
/// its own session: every aggregate goes into a fresh table, is filled, gets its keys and indexes (one sorted pass each:
/// 1.7M synthetic author-days took 5.9 s, against 15.1 s inserted into three B-trees) and a check matching its partition
/// bound, and is analyzed. Then one transaction under a per-snapshot advisory lock attaches them all (no scan, no sort:
/// only the catalog changes) and stamps the snapshot with <see cref="Snapshot.AggregatedAt"/> and <see cref="Version"/>. Two
/// consumers finding the snapshot complete at once build it once, and a replayed page after that finds it built and
/// changes nothing. A snapshot built by an older version gets the aggregates it lacks from <see cref="AggregateBackfill"/>;
/// until a snapshot's aggregates are built at this version, the queries read its facts.</para>
/// </summary>
public static class SnapshotAggregates
{
    /// <summary>
    /// The aggregates this code builds and reads. 1: created_per_day and the model, tag, dataset and dimension totals;
    /// 2: their ranking indexes, activity_ranks, model_modality_totals, pipeline_tag_totals, model_parameter_facts, parameter_bucket_totals
    /// and parameter_rankings; 3: author_org_types and org_type_totals (<see cref="OrgTypeTotals"/>); 4: model_author_facts.
    /// </summary>
    public const int Version = 4;

    /// <summary>The aggregate tables (fixed strings), each partitioned by snapshot.</summary>
    public static readonly string[] Tables =
    [
        "created_per_day", ActivityRanks.Table, "model_tag_totals", "model_organization_totals", "model_modality_totals", "pipeline_tag_totals",
        "model_parameter_facts", "parameter_bucket_totals", ParameterRankings.Table, "dataset_organization_totals", "dataset_dimension_totals",
        OrgTypeTotals.AuthorsTable, OrgTypeTotals.Table, "model_author_facts",
    ];

    /// <summary>
    /// The tables in lanes that are built side by side, each lane in its own session, in order: a table reads the facts
    /// and the tables before it in its lane, never another lane's. One session keeps one core busy; two keep both.
    /// </summary>
    public static readonly string[][] Lanes =
    [
        [OrgTypeTotals.AuthorsTable, "model_author_facts", "model_tag_totals", "model_organization_totals", "model_modality_totals",
         "pipeline_tag_totals", "dataset_organization_totals", OrgTypeTotals.Table, "model_parameter_facts", "parameter_bucket_totals",
         ParameterRankings.Table],
        ["created_per_day", ActivityRanks.Table, "dataset_dimension_totals"],
    ];

    internal static void Configure(ModelBuilder modelBuilder) => AggregateRows.Configure(modelBuilder);

    /// <summary>How long one statement of the build may take: far above what a 2M-model snapshot needs, yet bounded.</summary>
    public static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Builds the snapshot's aggregates unless they are built. True when this call built them for the first time.
    /// <paramref name="db"/> holds the snapshot's lock and attaches; the lanes run in sessions of their own from <paramref name="scopes"/>.
    /// </summary>
    public static async Task<bool> BuildAsync(MetricsDbContext db, IServiceScopeFactory scopes, Guid snapshot, CancellationToken ct)
    {
        // A 1M-model snapshot takes tens of seconds here (1.5M author-days), past the default 30 s
        // command timeout, which dead-lettered the snapshot's last page in the 1M bench.
        var previousTimeout = db.Database.GetCommandTimeout();
        db.Database.SetCommandTimeout(BuildTimeout);
        try
        {
            return await BuildOnceAsync(db, scopes, snapshot, ct);
        }
        finally
        {
            db.Database.SetCommandTimeout(previousTimeout);
        }
    }

    private static async Task<bool> BuildOnceAsync(MetricsDbContext db, IServiceScopeFactory scopes, Guid snapshot, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({snapshot.ToString()}, 7))", ct);
        var state = await db.Snapshots.Where(s => s.Id == snapshot).Select(s => new { s.AggregatedAt, s.AggregatesVersion, s.StartedAt })
            .SingleAsync(ct);
        if (state.AggregatedAt is not null && state.AggregatesVersion >= Version)
        {
            return false;
        }
        // An older version's build left some partitions attached: only the missing ones are built.
        var attached = await db.Database.SqlQuery<string>($"""
            SELECT c.relname AS "Value" FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE c.relname = ANY({Tables.Select(t => SnapshotPartitions.PartitionOf(t, snapshot)).ToArray()})
            """).ToListAsync(ct);
        var missing = Tables.Where(t => !attached.Contains(SnapshotPartitions.PartitionOf(t, snapshot))).ToHashSet(StringComparer.Ordinal);
        var snapshotDay = DateOnly.FromDateTime(state.StartedAt.UtcDateTime);
        var readAt = (await Task.WhenAll(Lanes.Select(lane => BuildLaneAsync(scopes, [.. lane.Where(missing.Contains)], snapshot, snapshotDay, ct))))
            .Max();
        // Each table arrives with its keys, indexes and a check that matches the partition's bound: attaching it reads no row.
#pragma warning disable EF1002 // partition names are built from a Guid and fixed table names
        foreach (var table in Tables.Where(missing.Contains))
        {
            await db.Database.ExecuteSqlRawAsync(
                $"ALTER TABLE {MetricsDbContext.Schema}.{table} ATTACH PARTITION {Partition(table, snapshot)} FOR VALUES IN ('{snapshot}')", ct);
        }
#pragma warning restore EF1002
        await db.Database.ExecuteSqlAsync($"""
            UPDATE metrics.snapshots SET aggregated_at = coalesce(aggregated_at, now()), aggregates_version = {Version},
                                         org_types_read_at = coalesce({readAt}, org_types_read_at)
            WHERE id = {snapshot}
            """, ct);
        await transaction.CommitAsync(ct);
        return state.AggregatedAt is null;
    }

    /// <summary>
    /// Builds a lane's tables, in order, as standalone tables (committed, not yet partitions, so no query sees them): each
    /// is filled, given its parent's keys and indexes (built in one sorted pass each, not a million inserts into B-trees)
    /// and analyzed, in a transaction of its own (so a table that takes a lock, author_org_types, holds it only while it is
    /// built). A build that failed left such tables behind; the next one drops them first.
    /// </summary>
    /// <returns>When the lane read the authors' org types (<see cref="OrgTypeTotals.ReadAuthorsAsync"/>); null if it did not.</returns>
    private static async Task<DateTimeOffset?> BuildLaneAsync(IServiceScopeFactory scopes, string[] tables, Guid snapshot, DateOnly snapshotDay,
        CancellationToken ct)
    {
        DateTimeOffset? readAt = null;
        if (tables.Length == 0)
        {
            return readAt;
        }
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MetricsDbContext>();
        db.Database.SetCommandTimeout(BuildTimeout);
#pragma warning disable EF1002 // partition names are built from a Guid and fixed table names; the snapshot is a parameter
        foreach (var table in tables)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            // Grouping a million facts joined with their repos spills to disk with the default 4 MB per sort or hash, and
            // the indexes' sorts (1.7M author-days at 1M models) with the default 64 MB; one build runs per snapshot.
            await db.Database.ExecuteSqlAsync($"SET LOCAL work_mem = '256MB'", ct);
            await db.Database.ExecuteSqlAsync($"SET LOCAL maintenance_work_mem = '512MB'", ct);
            var partition = Partition(table, snapshot);
            await db.Database.ExecuteSqlRawAsync($"""
                DROP TABLE IF EXISTS {partition};
                CREATE TABLE {partition} (LIKE {MetricsDbContext.Schema}.{table} INCLUDING DEFAULTS, CHECK (snapshot_id = '{snapshot}'))
                """, ct);
            if (table == ActivityRanks.Table)
            {
                await ActivityRanks.FillAsync(db, Partition("created_per_day", snapshot), partition, snapshot, snapshotDay, ct);
            }
            else if (table == ParameterRankings.Table)
            {
                await ParameterRankings.FillAsync(db, Partition("parameter_bucket_totals", snapshot), partition, snapshot, ct);
            }
            else if (table == OrgTypeTotals.AuthorsTable)
            {
                readAt = await OrgTypeTotals.ReadAuthorsAsync(db, partition, snapshot, ct);
            }
            else
            {
                await db.Database.ExecuteSqlRawAsync(Fill(table, snapshot), [snapshot], ct);
            }
            foreach (var index in await IndexStatementsAsync(db, table, partition, ct))
            {
                await db.Database.ExecuteSqlRawAsync(index, ct);
            }
            await db.Database.ExecuteSqlRawAsync($"ANALYZE {partition}", ct);
            await transaction.CommitAsync(ct);
        }
#pragma warning restore EF1002
        return readAt;
    }

    /// <summary>
    /// The statements giving <paramref name="partition"/> the keys and indexes of its parent, read from the catalog so the
    /// migrations stay their one definition: ATTACH then adopts them instead of building its own.
    /// </summary>
    private static Task<List<string>> IndexStatementsAsync(MetricsDbContext db, string table, string partition, CancellationToken ct) =>
        db.Database.SqlQuery<string>($"""
            SELECT CASE WHEN c.oid IS NOT NULL THEN 'ALTER TABLE ' || {partition} || ' ADD ' || pg_get_constraintdef(c.oid)
                        ELSE regexp_replace(pg_get_indexdef(i.indexrelid), '^(CREATE (UNIQUE )?INDEX) \S+ ON ONLY \S+', '\1 ON ' || {partition})
                   END AS "Value"
            FROM pg_index i LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.contype IN ('p', 'u')
            WHERE i.indrelid = {$"{MetricsDbContext.Schema}.{table}"}::regclass
            ORDER BY i.indexrelid
            """).ToListAsync(ct);

    /// <summary>The statement filling an aggregate's fresh table (<c>{0}</c> is the snapshot); the tables it reads are built before it.</summary>
    private static string Fill(string table, Guid snapshot) => table switch
    {
        // In author order: an author's days (the HeatMap calendar, the ranking's active days) lie on a few pages of the table,
        // not one page each (1M models: the ranking's 20 authors read 11k rows in 20 ms instead of 200).
        "created_per_day" => $$"""
            INSERT INTO {{Partition(table, snapshot)}} (snapshot_id, author, day, repo_type, author_key, repos)
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
            ORDER BY c.author, c.day
            """,
        // The one join of the snapshot's facts with the models; the model aggregates below read this table.
        "model_author_facts" => $$"""
            INSERT INTO {{Partition(table, snapshot)}} (snapshot_id, author, model_id, pipeline_tag, parameter_count, downloads,
                                                        downloads_all_time, likes)
            SELECT {0}, m.author, m.id, m.pipeline_tag, m.parameter_count, x.downloads, coalesce(x.downloads_all_time, 0), x.likes
            FROM metrics.model_facts x JOIN metrics.models m ON m.id = x.model_id
            WHERE x.snapshot_id = {0}
            ORDER BY m.author COLLATE "C", m.id COLLATE "C"
            """,
        "model_tag_totals" => $$"""
            INSERT INTO {{Partition(table, snapshot)}} (snapshot_id, author, pipeline_tag, models, downloads, downloads_all_time, likes)
            SELECT {0}, m.author, coalesce(m.pipeline_tag, ''), count(*), sum(m.downloads), sum(m.downloads_all_time), sum(m.likes)
            FROM {{Partition("model_author_facts", snapshot)}} m
            GROUP BY m.author, coalesce(m.pipeline_tag, '')
            """,
        "model_organization_totals" => $$"""
            INSERT INTO {{Partition(table, snapshot)}} (snapshot_id, author, models, downloads, downloads_all_time, likes)
            SELECT {0}, t.author, sum(t.models), sum(t.downloads), sum(t.downloads_all_time), sum(t.likes)
            FROM {{Partition("model_tag_totals", snapshot)}} t
            GROUP BY t.author
            """,
        // A pipeline tag belongs to one modality (Modality.PipelineTags); a tag no modality names counts in none.
        "model_modality_totals" => $$"""
            INSERT INTO {{Partition(table, snapshot)}} (snapshot_id, modality, author, models, downloads, downloads_all_time, likes)
            SELECT {0}, g.modality, t.author, sum(t.models), sum(t.downloads), sum(t.downloads_all_time), sum(t.likes)
            FROM {{Partition("model_tag_totals", snapshot)}} t
            JOIN (VALUES {{string.Join(", ", Modality.PipelineTags.SelectMany(m => m.Value.Select(tag => $"('{m.Key}', '{tag}')")))}})
                g(modality, pipeline_tag)
              ON g.pipeline_tag = t.pipeline_tag
            GROUP BY g.modality, t.author
            """,
        "pipeline_tag_totals" => $$"""
            INSERT INTO {{Partition(table, snapshot)}} (snapshot_id, pipeline_tag, models, downloads, downloads_all_time, likes)
            SELECT {0}, t.pipeline_tag, sum(t.models), sum(t.downloads), sum(t.downloads_all_time), sum(t.likes)
            FROM {{Partition("model_tag_totals", snapshot)}} t
            GROUP BY t.pipeline_tag
            """,
        // In parameter order, so a range's rows are next to each other on disk too.
        "model_parameter_facts" => $$"""
            INSERT INTO {{Partition(table, snapshot)}} (snapshot_id, parameter_count, model_id, author, pipeline_tag, downloads, downloads_all_time,
                                                        likes)
            SELECT {0}, m.parameter_count, m.model_id, m.author, m.pipeline_tag, m.downloads, m.downloads_all_time, m.likes
            FROM {{Partition("model_author_facts", snapshot)}} m
            WHERE m.parameter_count IS NOT NULL
            ORDER BY m.parameter_count, m.model_id
            """,
        "parameter_bucket_totals" => $$"""
            INSERT INTO {{Partition(table, snapshot)}} (snapshot_id, author, bucket, models, downloads, downloads_all_time, likes)
            SELECT {0}, t.author, t.bucket, count(*), sum(t.downloads), sum(t.downloads_all_time), sum(t.likes)
            FROM (SELECT p.author, {{ParameterBuckets.IndexSql("p.parameter_count")}} AS bucket, p.downloads, p.downloads_all_time, p.likes
                  FROM {{Partition("model_parameter_facts", snapshot)}} p) t
            WHERE t.bucket >= 0
            GROUP BY t.author, t.bucket
            """,
        "dataset_organization_totals" => $$"""
            INSERT INTO {{Partition(table, snapshot)}} (snapshot_id, author, datasets, downloads, downloads_all_time, likes)
            SELECT {0}, d.author, count(*), sum(x.downloads), sum(coalesce(x.downloads_all_time, 0)), sum(x.likes)
            FROM metrics.dataset_facts x JOIN metrics.datasets d ON d.id = x.dataset_id
            WHERE x.snapshot_id = {0}
            GROUP BY d.author
            """,
        OrgTypeTotals.Table => OrgTypeTotals.FillSql(Partition(table, snapshot), t => Partition(t, snapshot)),
        "dataset_dimension_totals" => $$"""
            INSERT INTO {{Partition(table, snapshot)}} (snapshot_id, dimension, key, datasets, downloads, downloads_all_time, likes)
            SELECT {0}, k.dimension, k.key, count(*), sum(x.downloads), sum(coalesce(x.downloads_all_time, 0)), sum(x.likes)
            FROM metrics.dataset_facts x JOIN metrics.datasets d ON d.id = x.dataset_id
            CROSS JOIN LATERAL ({{string.Join(" UNION ALL ", DatasetDimensions.Select(k => $"SELECT '{k.Dimension}', {k.KeySql}"))}})
                k(dimension, key)
            WHERE x.snapshot_id = {0}
            GROUP BY k.dimension, k.key
            """,
        _ => throw new ArgumentOutOfRangeException(nameof(table), table, "Not an aggregate table."),
    };

    /// <summary>
    /// The dataset dimensions a breakdown can be by, each with the SQL giving a dataset's values (<c>d</c> is its row in
    /// metrics.datasets; an array dimension counts a dataset under each of its values, none under "none"). Org type is
    /// not among them: an author's type can change after the snapshot (its overview arrives later), so it is summed apart
    /// (<see cref="OrgTypeTotals"/>).
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

    // Snapshots whose aggregates were seen built at this version, with the time their org types were read. Built aggregates
    // stay until their snapshot is deleted, and a deleted snapshot is never resolved again, so "built" is remembered for good
    // (a snapshot id is a fresh Guid, so one map serves every database in the process); "not built yet" is always asked.
    private static readonly ConcurrentDictionary<Guid, DateTimeOffset> Built = new();

    /// <summary>True when the snapshot's aggregates are built at this version and can stand for its facts.</summary>
    public static async Task<bool> IsBuiltAsync(MetricsDbContext db, Guid snapshot, CancellationToken ct) =>
        await OrgTypesReadAtAsync(db, snapshot, ct) is not null;

    /// <summary>
    /// When the build read the authors' org types (<see cref="Snapshot.OrgTypesReadAt"/>), if the snapshot's aggregates are built
    /// at this version; null if they are not. Every build at this version reads them.
    /// </summary>
    public static async Task<DateTimeOffset?> OrgTypesReadAtAsync(MetricsDbContext db, Guid snapshot, CancellationToken ct)
    {
        if (Built.TryGetValue(snapshot, out var known))
        {
            return known;
        }
        var readAt = await db.Snapshots.Where(s => s.Id == snapshot && s.AggregatedAt != null && s.AggregatesVersion >= Version)
            .Select(s => s.OrgTypesReadAt).FirstOrDefaultAsync(ct);
        if (readAt is { } at) Built.TryAdd(snapshot, at);
        return readAt;
    }
}
