using HubPlatform.Metrics.Dimensions;
using HubPlatform.Metrics.Infrastructure;

namespace HubPlatform.Metrics.Queries;

/// <summary>
/// Totals by org type from a snapshot's <c>org_type_totals</c>, corrected for the authors reclassified since its build
/// (<see cref="OrgTypeTotals"/>): each such author's rows of the per-author aggregate move from the type they were summed
/// under to the author's current type. So the answer is the one the live filter gives, summing every author of the type,
/// from a few stored rows and the few reclassified authors.
/// </summary>
internal static class OrgTypeSums
{
    /// <summary>
    /// The one totals row (NULL, Value, Count) of <paramref name="orgType"/>'s authors in <paramref name="source"/>'s group
    /// <paramref name="key"/>.
    /// </summary>
    public static SqlText Total(Guid snapshot, DateTimeOffset readAt, OrgTypeTotals.Source source, string key, string metric, string orgType)
    {
        var sql = Sums(snapshot, readAt, source, key, metric);
        sql.Append($"""
            SELECT NULL AS "Key", coalesce(sum(s.value), 0)::float8 AS "Value", coalesce(sum(s.repos), 0)::bigint AS "Count"
            FROM sums s WHERE s.org_type = {sql.P(orgType)}
            """);
        return sql;
    }

    /// <summary>One row (org type, Value, Count) per org type with repos in <paramref name="source"/>'s group <paramref name="key"/>.</summary>
    public static SqlText ByOrgType(Guid snapshot, DateTimeOffset readAt, OrgTypeTotals.Source source, string key, string metric)
    {
        var sql = Sums(snapshot, readAt, source, key, metric);
        sql.Append("""
            SELECT s.org_type AS "Key", sum(s.value)::float8 AS "Value", sum(s.repos)::bigint AS "Count"
            FROM sums s GROUP BY s.org_type HAVING sum(s.repos) <> 0
            """);
        return sql;
    }

    /// <summary>
    /// CTE <c>sums(org_type, value, repos)</c>: the stored rows, plus each reclassified author's rows under its current type,
    /// minus them under the type they were summed under. Moving an author whose type did not change is a no-op, so the
    /// stamps may err on the early side (hence <c>&gt;=</c>), never the late. <paramref name="readAt"/> (the snapshot's
    /// <see cref="Snapshot.OrgTypesReadAt"/>) travels as a value, not a subquery: then the planner sees, by the index, that
    /// few authors changed since. Behind a subquery it guessed a third of all authors, planned for hundreds of
    /// millions of rows and compiled the statement (JIT): 2.5 s for a query that runs in 1 ms.
    /// </summary>
    private static SqlText Sums(Guid snapshot, DateTimeOffset readAt, OrgTypeTotals.Source source, string key, string metric)
    {
        var sql = new SqlText();
        var s = sql.P(snapshot);
        var k = sql.P(key);
        var sameKey = source.KeyColumn is null ? "" : $" AND t.{source.KeyColumn} = {k}";
        sql.Append($"""
            WITH changed AS (
                SELECT o.name, o.org_type FROM metrics.organizations o
                WHERE o.org_type_changed_at >= {sql.P(readAt)}
            ),
            sums AS (
                SELECT t.org_type, {AggregateMetric.Column(metric, "t.repos")} AS value, t.repos FROM metrics.{OrgTypeTotals.Table} t
                WHERE t.snapshot_id = {s} AND t.source = {sql.P(source.Table)} AND t.key = {k}
                UNION ALL
                SELECT m.org_type, m.sign * {AggregateMetric.Column(metric, $"t.{source.Count}")}, m.sign * t.{source.Count}
                FROM (SELECT c.name, c.org_type, 1 AS sign FROM changed c
                      UNION ALL
                      SELECT c.name, coalesce(a.org_type, '{OrgTypes.Individual}'), -1 FROM changed c
                      LEFT JOIN metrics.{OrgTypeTotals.AuthorsTable} a ON a.snapshot_id = {s} AND a.author = c.name) m
                JOIN metrics.{source.Table} t ON t.snapshot_id = {s} AND t.author = m.name{sameKey}
            )

            """);
        return sql;
    }
}
