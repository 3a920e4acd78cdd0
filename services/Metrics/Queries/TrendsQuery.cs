using HubPlatform.Contracts;
using HubPlatform.Metrics.Dimensions;
using HubPlatform.Metrics.Infrastructure;

namespace HubPlatform.Metrics.Queries;

/// <summary>A model in one snapshot; <see cref="Kind"/> says whether a full or an incremental crawl saw it (both see a model's real numbers).</summary>
public sealed record ModelPoint(Guid SnapshotId, string Kind, DateTimeOffset At, long Downloads, long? DownloadsAllTime, long Likes, double? TrendingScore);

public sealed record ModelTrend(string Id, IReadOnlyList<ModelPoint> Points);

public sealed record OrganizationPoint(Guid SnapshotId, DateTimeOffset At, long Models, long Datasets, long Spaces, long Downloads, long Likes);

public sealed record OrganizationTrend(string Name, IReadOnlyList<OrganizationPoint> Points);

public sealed record GrowthMonth(string Month, long Created, long Cumulative);

/// <summary>
/// A snapshot's churn: <see cref="Added"/> repos no earlier snapshot (of either kind) saw;
/// <see cref="Removed"/> repos the previous full snapshot saw and this one did not (null for an
/// incremental crawl, which sees only changes); <see cref="Total"/> repos the snapshot saw.
/// </summary>
public sealed record ChurnPoint(Guid SnapshotId, string Kind, DateTimeOffset At, long Added, long? Removed, long Total);

/// <summary>Time series across snapshots: a repo's numbers, an organization's, the hub's growth and churn.</summary>
public sealed class TrendsQuery(MetricsDbContext db)
{
    private sealed class PointRow
    {
        public Guid SnapshotId { get; init; }
        public string Kind { get; init; } = "";
        public DateTimeOffset At { get; init; }
        public long Downloads { get; init; }
        public long? DownloadsAllTime { get; init; }
        public long Likes { get; init; }
        public double? TrendingScore { get; init; }
    }

    private sealed class OrgRow
    {
        public Guid SnapshotId { get; init; }
        public DateTimeOffset At { get; init; }
        public string Kind { get; init; } = "";
        public long Count { get; init; }
        public long Downloads { get; init; }
        public long Likes { get; init; }
    }

    private sealed class MonthRow
    {
        public string Month { get; init; } = "";
        public long Created { get; init; }
    }

    private sealed class SnapshotRow
    {
        public Guid SnapshotId { get; init; }
        public string Kind { get; init; } = "";
        public DateTimeOffset At { get; init; }
        public long Total { get; init; }
        public long Added { get; init; }
        public long? Removed { get; init; }
    }

    public async Task<ModelTrend?> ModelAsync(string id, CancellationToken ct)
    {
        var sql = new SqlText();
        sql.Append($"""
            SELECT f.snapshot_id AS "SnapshotId", s.kind AS "Kind", s.started_at AS "At", f.downloads AS "Downloads", f.downloads_all_time AS "DownloadsAllTime",
                   f.likes AS "Likes", f.trending_score AS "TrendingScore"
            FROM metrics.model_facts f JOIN metrics.snapshots s ON s.id = f.snapshot_id
            WHERE f.model_id = {sql.P(id)} ORDER BY s.started_at
            """);
        var points = await sql.ListAsync<PointRow>(db, ct);
        return points.Count == 0 ? null
            : new ModelTrend(id, points.Select(p => new ModelPoint(p.SnapshotId, p.Kind, p.At, p.Downloads, p.DownloadsAllTime, p.Likes, p.TrendingScore)).ToList());
    }

    /// <summary>
    /// An organization's (or provider group's) repos, downloads and likes in every full snapshot that
    /// saw any of them. Incremental crawls are left out: they see only the repos that changed, so
    /// their counts and sums are not the organization's.
    /// </summary>
    public async Task<OrganizationTrend?> OrganizationAsync(string name, CancellationToken ct)
    {
        var members = (ProviderGroups.IsGroup(name) ? ProviderGroups.Members[name] : [name]).Select(m => m.ToLowerInvariant()).ToArray();
        var sql = new SqlText();
        var a = sql.P(members);
        sql.Append($"""
            SELECT x.snapshot_id AS "SnapshotId", s.started_at AS "At", x.kind AS "Kind", count(*) AS "Count",
                   coalesce(sum(x.downloads), 0)::bigint AS "Downloads", coalesce(sum(x.likes), 0)::bigint AS "Likes"
            FROM (SELECT f.snapshot_id, 'model' AS kind, f.downloads, f.likes FROM metrics.model_facts f JOIN metrics.models m ON m.id = f.model_id WHERE lower(m.author) = ANY({a})
                  UNION ALL SELECT f.snapshot_id, 'dataset', f.downloads, f.likes FROM metrics.dataset_facts f JOIN metrics.datasets d ON d.id = f.dataset_id WHERE lower(d.author) = ANY({a})
                  UNION ALL SELECT f.snapshot_id, 'space', 0, f.likes FROM metrics.space_facts f JOIN metrics.spaces p ON p.id = f.space_id WHERE lower(p.author) = ANY({a})) x
            JOIN metrics.snapshots s ON s.id = x.snapshot_id
            WHERE s.kind = 'Full'
            GROUP BY x.snapshot_id, s.started_at, x.kind
            """);
        var rows = await sql.ListAsync<OrgRow>(db, ct);
        if (rows.Count == 0)
        {
            return null;
        }
        long Of(IEnumerable<OrgRow> g, RepoType type) => g.Where(r => r.Kind == type.Name()).Sum(r => r.Count);
        return new OrganizationTrend(name, rows.GroupBy(r => (r.SnapshotId, r.At)).OrderBy(g => g.Key.At)
            .Select(g => new OrganizationPoint(g.Key.SnapshotId, g.Key.At, Of(g, RepoType.Model), Of(g, RepoType.Dataset), Of(g, RepoType.Space),
                g.Sum(r => r.Downloads), g.Sum(r => r.Likes)))
            .ToList());
    }

    /// <summary>Repos the snapshot saw, by the UTC month they were created (repos without a creation date are left out).</summary>
    public async Task<IReadOnlyList<GrowthMonth>> GrowthAsync(Guid snapshot, RepoType repoType, CancellationToken ct)
    {
        var (_, facts, repos, key) = RepoTables.Of(repoType);
        var sql = new SqlText();
        sql.Append($"""
            SELECT to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM') AS "Month", count(*) AS "Created"
            FROM metrics.{facts} f JOIN metrics.{repos} r ON r.id = f.{key}
            WHERE f.snapshot_id = {sql.P(snapshot)} AND r.created_at IS NOT NULL GROUP BY 1
            """);
        var months = (await sql.ListAsync<MonthRow>(db, ct)).OrderBy(m => m.Month, StringComparer.Ordinal).ToList();
        var cumulative = 0L;
        return months.Select(m => new GrowthMonth(m.Month, m.Created, cumulative += m.Created)).ToList();
    }

    /// <summary>
    /// Every snapshot with data, in time order, with its kind. Added: repos it saw that no earlier
    /// snapshot (full or incremental) saw, so the hourly incremental crawls report new repos as they
    /// appear and the next full snapshot does not count them again. Removed: only a full snapshot
    /// can tell (an incremental one sees just changes), compared with the previous full snapshot.
    /// </summary>
    public async Task<IReadOnlyList<ChurnPoint>> ChurnAsync(RepoType repoType, CancellationToken ct)
    {
        var (_, facts, _, key) = RepoTables.Of(repoType);
        var sql = new SqlText($"""
            WITH s AS (SELECT sn.id, sn.kind, sn.started_at,
                              (SELECT p.id FROM metrics.snapshots p WHERE p.kind = 'Full' AND p.started_at < sn.started_at
                                   AND EXISTS (SELECT 1 FROM metrics.snapshot_pages g WHERE g.snapshot_id = p.id)
                               ORDER BY p.started_at DESC LIMIT 1) AS previous
                       FROM metrics.snapshots sn WHERE EXISTS (SELECT 1 FROM metrics.snapshot_pages p WHERE p.snapshot_id = sn.id)),
                 first_seen AS (SELECT f.snapshot_id, count(*) AS added FROM (
                                    SELECT DISTINCT ON (c.{key}) c.{key}, c.snapshot_id FROM metrics.{facts} c JOIN s ON s.id = c.snapshot_id
                                    ORDER BY c.{key}, s.started_at) f GROUP BY f.snapshot_id)
            SELECT s.id AS "SnapshotId", s.kind AS "Kind", s.started_at AS "At",
                   (SELECT count(*) FROM metrics.{facts} c WHERE c.snapshot_id = s.id) AS "Total",
                   coalesce((SELECT n.added FROM first_seen n WHERE n.snapshot_id = s.id), 0) AS "Added",
                   CASE WHEN s.kind <> 'Full' THEN NULL
                        ELSE (SELECT count(*) FROM metrics.{facts} p WHERE p.snapshot_id = s.previous
                              AND NOT EXISTS (SELECT 1 FROM metrics.{facts} c WHERE c.snapshot_id = s.id AND c.{key} = p.{key})) END AS "Removed"
            FROM s ORDER BY s.started_at
            """);
        var rows = await sql.ListAsync<SnapshotRow>(db, ct);
        return rows.Select(r => new ChurnPoint(r.SnapshotId, r.Kind, r.At, r.Added, r.Removed, r.Total)).ToList();
    }
}
