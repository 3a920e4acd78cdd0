using HubPlatform.Metrics.Infrastructure;

namespace HubPlatform.Metrics.Queries;

/// <summary>
/// One row read from a snapshot aggregate: a key (an author, a dimension's value), the summed value and how many
/// repos it sums. The key is null on a totals row.
/// </summary>
internal sealed class KeyedTotal
{
    public string? Key { get; init; }
    public double Value { get; init; }
    public long Count { get; init; }
}

/// <summary>
/// The tail ModelVerse and DataVerse rankings share over the per-author aggregates. The caller writes
/// an open CTE <c>WITH g AS (SELECT author, value, repos ...</c>; this closes it and asks only for the top k
/// authors and one row of totals (author NULL), so a ranking over 200k authors sends k + 1 rows out of Postgres.
/// </summary>
internal static class TopAuthors
{
    public static async Task<(List<KeyedTotal> Top, double Value, long Repos)> ListAsync(SqlText sql, int k, MetricsDbContext db, CancellationToken ct)
    {
        sql.Append($"""
            )
            SELECT x.author AS "Key", x.value AS "Value", x.repos AS "Count"
            FROM (SELECT * FROM g ORDER BY g.value DESC, g.author COLLATE "C" LIMIT {sql.P(k)}) x
            UNION ALL
            SELECT NULL, coalesce(sum(g.value), 0)::float8, coalesce(sum(g.repos), 0)::bigint FROM g
            """);
        var rows = await sql.ListAsync<KeyedTotal>(db, ct);
        var totals = rows.Single(r => r.Key is null);
        var top = rows.Where(r => r.Key is not null).OrderByDescending(r => r.Value).ThenBy(r => r.Key, StringComparer.Ordinal).ToList();
        return (top, totals.Value, totals.Count);
    }
}
