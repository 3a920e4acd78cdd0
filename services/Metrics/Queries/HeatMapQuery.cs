using HubPlatform.Contracts;
using HubPlatform.Metrics.Dimensions;
using HubPlatform.Metrics.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Metrics.Queries;

public sealed record HeatMapDay(string Date, long Models, long Datasets, long Spaces);

public sealed record OrganizationHeatMap(string Name, bool IsProviderGroup, IReadOnlyList<string> Members, string From, string To, long Total,
    IReadOnlyList<HeatMapDay> Days);

public sealed record ActivityRank(string Name, string OrgType, long Models, long Datasets, long Spaces, long Total, long ActiveDays);

/// <summary>
/// Organization HeatMap: repos created per day by an organization (or provider group) in the
/// <c>weeks</c> up to the snapshot's date, counting the repos that snapshot saw. A window of N
/// weeks is the N×7 days ending on (and including) the snapshot's day, in UTC.
/// </summary>
public sealed class HeatMapQuery(MetricsDbContext db)
{
    private sealed class DayRow
    {
        public string Author { get; init; } = "";
        public string Day { get; init; } = "";
        public string Kind { get; init; } = "";
        public long Count { get; init; }
    }

    /// <summary>The first day in the window and the day after its last.</summary>
    public static (DateOnly From, DateOnly To) Window(DateTimeOffset at, int weeks)
    {
        var to = DateOnly.FromDateTime(at.UtcDateTime);
        return (to.AddDays(1 - weeks * 7), to);
    }

    /// <summary>
    /// Repos created per author, day and kind within the window, seen by the snapshot: from the
    /// snapshot's pre-aggregate once it is built (SnapshotAggregates), else (a snapshot still
    /// being ingested) from its facts joined to the repos. A null <paramref name="repoType"/> is every type.
    /// </summary>
    private async Task<List<DayRow>> CreatedAsync(
        Guid snapshot, DateOnly from, DateOnly to, RepoType? repoType, string[]? lowerAuthors, CancellationToken ct)
    {
        var sql = await SnapshotAggregates.IsBuiltAsync(db, snapshot, ct)
            ? FromAggregate(snapshot, from, to, repoType, lowerAuthors)
            : FromFacts(snapshot, from, to, repoType, lowerAuthors);
        return await sql.ListAsync<DayRow>(db, ct);
    }

    private static SqlText FromAggregate(Guid snapshot, DateOnly from, DateOnly to, RepoType? repoType, string[]? lowerAuthors)
    {
        var sql = new SqlText();
        sql.Append($"""
            SELECT c.author AS "Author", to_char(c.day, 'YYYY-MM-DD') AS "Day", c.repo_type AS "Kind", c.repos::bigint AS "Count"
            FROM metrics.created_per_day c
            WHERE c.snapshot_id = {sql.P(snapshot)} AND c.day >= {sql.P(from)} AND c.day <= {sql.P(to)}
            """);
        if (lowerAuthors is not null) sql.Append($" AND c.author_key = ANY({sql.P(lowerAuthors)})");
        if (repoType is { } type) sql.Append($" AND c.repo_type = {sql.P(type.Name())}");
        return sql;
    }

    private static SqlText FromFacts(Guid snapshot, DateOnly from, DateOnly to, RepoType? repoType, string[]? lowerAuthors)
    {
        var sql = new SqlText();
        var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var end = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var (s, f, e) = (sql.P(snapshot), sql.P(start), sql.P(end));
        var authors = lowerAuthors is null ? "" : $" AND lower(r.author) = ANY({sql.P(lowerAuthors)})";
        var parts = new List<string>();
        foreach (var t in RepoTables.All.Where(t => repoType is null || t.Type == repoType))
        {
            parts.Add($"""
                SELECT r.author, to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, '{t.Type.Name()}' AS kind
                FROM metrics.{t.Facts} x JOIN metrics.{t.Repos} r ON r.id = x.{t.Key}
                WHERE x.snapshot_id = {s} AND r.created_at >= {f} AND r.created_at < {e}{authors}
                """);
        }
        sql.Append($"""SELECT c.author AS "Author", c.day AS "Day", c.kind AS "Kind", count(*) AS "Count" FROM ({string.Join(" UNION ALL ", parts)}) c GROUP BY c.author, c.day, c.kind""");
        return sql;
    }

    /// <summary>The calendar of an organization or provider group; a null <paramref name="repoType"/> counts every type.</summary>
    public async Task<OrganizationHeatMap> OrganizationAsync(SnapshotRef snapshot, string name, int weeks, RepoType? repoType, CancellationToken ct)
    {
        var isGroup = ProviderGroups.IsGroup(name);
        var members = isGroup ? ProviderGroups.Members[name] : [name];
        var (from, to) = Window(snapshot.At, weeks);
        var rows = await CreatedAsync(snapshot.Id, from, to, repoType, members.Select(m => m.ToLowerInvariant()).ToArray(), ct);
        var days = rows.GroupBy(r => r.Day).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new HeatMapDay(g.Key, Count(g, RepoType.Model), Count(g, RepoType.Dataset), Count(g, RepoType.Space)))
            .ToList();
        return new OrganizationHeatMap(name, isGroup, members, from.ToString("yyyy-MM-dd"), to.ToString("yyyy-MM-dd"), rows.Sum(r => r.Count), days);
    }

    /// <summary>Authors ranked by repos created in the window, grouped in SQL so only the top k rows travel.</summary>
    public async Task<IReadOnlyList<ActivityRank>> RankingAsync(SnapshotRef snapshot, int k, int weeks, string? orgType, CancellationToken ct)
    {
        var (from, to) = Window(snapshot.At, weeks);
        if (await SnapshotAggregates.IsBuiltAsync(db, snapshot.Id, ct))
        {
            return await RankingFromRanksAsync(snapshot.Id, from, to, k, weeks, orgType, ct)
                   ?? await RankingFromAggregateAsync(snapshot.Id, from, to, k, orgType, ct);
        }
        var sql = FromFacts(snapshot.Id, from, to, repoType: null, lowerAuthors: null);
        var rows = new SqlText($"""
            SELECT r."Author" AS "Name", coalesce(o.org_type, '{OrgTypes.Individual}') AS "OrgType",
                   sum(r."Count") FILTER (WHERE r."Kind" = 'model')::bigint AS "Models",
                   sum(r."Count") FILTER (WHERE r."Kind" = 'dataset')::bigint AS "Datasets",
                   sum(r."Count") FILTER (WHERE r."Kind" = 'space')::bigint AS "Spaces",
                   sum(r."Count")::bigint AS "Total", count(DISTINCT r."Day") AS "ActiveDays"
            FROM (
            """);
        rows.Append(sql, ") r LEFT JOIN metrics.organizations o ON o.name = r.\"Author\"");
        if (orgType is not null) rows.Append($" WHERE coalesce(o.org_type, '{OrgTypes.Individual}') = {rows.P(orgType)}");
        rows.Append($""" GROUP BY r."Author", o.org_type ORDER BY "Total" DESC, r."Author" COLLATE "C" LIMIT {rows.P(k)}""");
        return (await rows.ListAsync<RankRow>(db, ct))
            .Select(r => new ActivityRank(r.Name, r.OrgType, r.Models ?? 0, r.Datasets ?? 0, r.Spaces ?? 0, r.Total, r.ActiveDays)).ToList();
    }

    /// <summary>
    /// The window's precomputed ranking (ActivityRanks): its first k authors (of the org type, if one is asked), each
    /// with its repos per type and active days read from its own days in the window. Null when an org type leaves fewer
    /// than k of the kept authors and more may rank below them: then the window's days are summed.
    /// </summary>
    private async Task<IReadOnlyList<ActivityRank>?> RankingFromRanksAsync(Guid snapshot, DateOnly from, DateOnly to, int k, int weeks, string? orgType, CancellationToken ct)
    {
        var sql = new SqlText();
        var (s, f, t) = (sql.P(snapshot), sql.P(from), sql.P(to));
        var individual = $"'{OrgTypes.Individual}'";
        sql.Append($"""
            WITH stored AS (SELECT r.rank, r.author, r.total FROM metrics.activity_ranks r
                            WHERE r.snapshot_id = {s}
                              AND r.weeks = (SELECT max(x.weeks) FROM metrics.activity_ranks x WHERE x.snapshot_id = {s} AND x.weeks <= {sql.P((short)weeks)})),
            top AS (
                SELECT stored.*, coalesce(o.org_type, {individual}) AS org_type
                FROM stored LEFT JOIN metrics.organizations o ON o.name = stored.author
            """);
        if (orgType is not null) sql.Append($" WHERE coalesce(o.org_type, {individual}) = {sql.P(orgType)}");
        sql.Append($"""
                ORDER BY stored.rank LIMIT {sql.P(k)})
            SELECT top.author AS "Name", top.org_type AS "OrgType", d.models AS "Models", d.datasets AS "Datasets", d.spaces AS "Spaces",
                   top.total AS "Total", d.active_days AS "ActiveDays"
            FROM top CROSS JOIN LATERAL (
                SELECT sum(c.repos) FILTER (WHERE c.repo_type = 'model')::bigint AS models, sum(c.repos) FILTER (WHERE c.repo_type = 'dataset')::bigint AS datasets,
                       sum(c.repos) FILTER (WHERE c.repo_type = 'space')::bigint AS spaces, count(DISTINCT c.day) AS active_days
                FROM metrics.created_per_day c
                WHERE c.snapshot_id = {s} AND c.author = top.author AND c.day >= {f} AND c.day <= {t}) d
            ORDER BY top.rank
            """);
        var rows = await sql.ListAsync<RankRow>(db, ct);
        if (orgType is not null && rows.Count < k && await WindowRanksFullAsync(snapshot, weeks, ct))
        {
            return null;
        }
        return rows.Select(r => new ActivityRank(r.Name, r.OrgType, r.Models ?? 0, r.Datasets ?? 0, r.Spaces ?? 0, r.Total, r.ActiveDays)).ToList();
    }

    /// <summary>Whether the window's stored ranking was cut at ActivityRanks.Kept authors (more authors were active in it).</summary>
    private async Task<bool> WindowRanksFullAsync(Guid snapshot, int weeks, CancellationToken ct)
    {
        var window = await db.ActivityRanks.Where(r => r.SnapshotId == snapshot && r.Weeks <= weeks).MaxAsync(r => (short?)r.Weeks, ct);
        return window is not null && await db.ActivityRanks.CountAsync(r => r.SnapshotId == snapshot && r.Weeks == window, ct) >= Infrastructure.ActivityRanks.Kept;
    }

    /// <summary>
    /// Sums per author over the window's rows of the pre-aggregate (no DISTINCT: a hash of
    /// authors), keeps the top k (after the org-type filter), and counts active days for those k
    /// authors only, by the aggregate's key.
    /// </summary>
    private async Task<IReadOnlyList<ActivityRank>> RankingFromAggregateAsync(Guid snapshot, DateOnly from, DateOnly to, int k, string? orgType, CancellationToken ct)
    {
        var sql = new SqlText();
        var (s, f, t) = (sql.P(snapshot), sql.P(from), sql.P(to));
        var individual = $"'{OrgTypes.Individual}'";
        sql.Append($"""
            WITH w AS (
                SELECT c.author, sum(c.repos) FILTER (WHERE c.repo_type = 'model') AS models, sum(c.repos) FILTER (WHERE c.repo_type = 'dataset') AS datasets,
                       sum(c.repos) FILTER (WHERE c.repo_type = 'space') AS spaces, sum(c.repos) AS total
                FROM metrics.created_per_day c
                WHERE c.snapshot_id = {s} AND c.day >= {f} AND c.day <= {t}
                GROUP BY c.author),
            top AS (
                SELECT w.*, coalesce(o.org_type, {individual}) AS org_type
                FROM w LEFT JOIN metrics.organizations o ON o.name = w.author
            """);
        if (orgType is not null) sql.Append($" WHERE coalesce(o.org_type, {individual}) = {sql.P(orgType)}");
        sql.Append($"""
                ORDER BY w.total DESC, w.author COLLATE "C" LIMIT {sql.P(k)})
            SELECT top.author AS "Name", top.org_type AS "OrgType", top.models::bigint AS "Models", top.datasets::bigint AS "Datasets",
                   top.spaces::bigint AS "Spaces", top.total::bigint AS "Total",
                   (SELECT count(DISTINCT c.day) FROM metrics.created_per_day c
                    WHERE c.snapshot_id = {s} AND c.author = top.author AND c.day >= {f} AND c.day <= {t}) AS "ActiveDays"
            FROM top ORDER BY top.total DESC, top.author COLLATE "C"
            """);
        return (await sql.ListAsync<RankRow>(db, ct))
            .Select(r => new ActivityRank(r.Name, r.OrgType, r.Models ?? 0, r.Datasets ?? 0, r.Spaces ?? 0, r.Total, r.ActiveDays)).ToList();
    }

    private sealed class RankRow
    {
        public string Name { get; init; } = "";
        public string OrgType { get; init; } = "";
        public long? Models { get; init; }
        public long? Datasets { get; init; }
        public long? Spaces { get; init; }
        public long Total { get; init; }
        public long ActiveDays { get; init; }
    }

    private static long Count(IEnumerable<DayRow> rows, RepoType type) => rows.Where(r => r.Kind == type.Name()).Sum(r => r.Count);
}
