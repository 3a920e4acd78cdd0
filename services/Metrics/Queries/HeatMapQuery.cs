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
    public static readonly string[] RepoTypes = ["all", "model", "dataset", "space"];

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

    /// <summary>Repos created per author, day and kind within the window, seen by the snapshot.</summary>
    private static SqlText Created(Guid snapshot, DateOnly from, DateOnly to, string repoType, string[]? lowerAuthors)
    {
        var sql = new SqlText();
        var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var end = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var (s, f, e) = (sql.P(snapshot), sql.P(start), sql.P(end));
        var authors = lowerAuthors is null ? "" : $" AND lower(r.author) = ANY({sql.P(lowerAuthors)})";
        var parts = new List<string>();
        foreach (var (kind, facts, repos, key) in new[]
                 {
                     ("model", "model_facts", "models", "model_id"), ("dataset", "dataset_facts", "datasets", "dataset_id"),
                     ("space", "space_facts", "spaces", "space_id"),
                 })
        {
            if (repoType == "all" || repoType == kind)
            {
                parts.Add($"""
                    SELECT r.author, to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, '{kind}' AS kind
                    FROM metrics.{facts} x JOIN metrics.{repos} r ON r.id = x.{key}
                    WHERE x.snapshot_id = {s} AND r.created_at >= {f} AND r.created_at < {e}{authors}
                    """);
            }
        }
        sql.Append($"""SELECT c.author AS "Author", c.day AS "Day", c.kind AS "Kind", count(*) AS "Count" FROM ({string.Join(" UNION ALL ", parts)}) c GROUP BY c.author, c.day, c.kind""");
        return sql;
    }

    public async Task<OrganizationHeatMap> OrganizationAsync(SnapshotRef snapshot, string name, int weeks, string repoType, CancellationToken ct)
    {
        var isGroup = ProviderGroups.IsGroup(name);
        var members = isGroup ? ProviderGroups.Members[name] : [name];
        var (from, to) = Window(snapshot.At, weeks);
        var rows = await Created(snapshot.Id, from, to, repoType, members.Select(m => m.ToLowerInvariant()).ToArray()).ListAsync<DayRow>(db, ct);
        var days = rows.GroupBy(r => r.Day).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new HeatMapDay(g.Key, Count(g, "model"), Count(g, "dataset"), Count(g, "space")))
            .ToList();
        return new OrganizationHeatMap(name, isGroup, members, from.ToString("yyyy-MM-dd"), to.ToString("yyyy-MM-dd"), rows.Sum(r => r.Count), days);
    }

    public async Task<IReadOnlyList<ActivityRank>> RankingAsync(SnapshotRef snapshot, int k, int weeks, string? orgType, CancellationToken ct)
    {
        var (from, to) = Window(snapshot.At, weeks);
        var rows = await Created(snapshot.Id, from, to, "all", null).ListAsync<DayRow>(db, ct);
        var authors = rows.Select(r => r.Author).Distinct().ToArray();
        var types = await db.Organizations.Where(o => authors.Contains(o.Name)).ToDictionaryAsync(o => o.Name, o => o.OrgType, ct);
        return rows.GroupBy(r => r.Author)
            .Select(g => new ActivityRank(g.Key, types.GetValueOrDefault(g.Key) ?? OrgTypes.Individual, Count(g, "model"), Count(g, "dataset"), Count(g, "space"),
                g.Sum(r => r.Count), g.Select(r => r.Day).Distinct().LongCount()))
            .Where(r => orgType is null || r.OrgType == orgType)
            .OrderByDescending(r => r.Total).ThenBy(r => r.Name, StringComparer.Ordinal)
            .Take(k)
            .ToList();
    }

    private static long Count(IEnumerable<DayRow> rows, string kind) => rows.Where(r => r.Kind == kind).Sum(r => r.Count);
}
