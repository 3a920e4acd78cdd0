using HubPlatform.Metrics.Dimensions;
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
/// The rankings ModelVerse and DataVerse share over the per-author aggregates: the top k authors and one row of
/// totals (author NULL), in one round trip, so a ranking over 200k authors sends k + 1 rows out of Postgres.
/// </summary>
internal static class TopAuthors
{
    /// <summary>
    /// <paramref name="top"/> selects the ranked rows (Key, Value, Count) in order, <paramref name="totals"/> the one
    /// totals row (NULL, Value, Count); both are complete statements with their own parameters.
    /// </summary>
    public static Task<(List<KeyedTotal> Top, double Value, long Repos)> ListAsync(SqlText top, SqlText totals, MetricsDbContext db,
        CancellationToken ct) =>
        ListAsync(new SqlText("(").Append(top, ") UNION ALL (").Append(totals, ")"), db, ct);

    /// <summary>A statement whose rows are the ranked rows (Key, Value, Count) and one totals row (NULL, Value, Count).</summary>
    public static async Task<(List<KeyedTotal> Top, double Value, long Repos)> ListAsync(SqlText sql, MetricsDbContext db, CancellationToken ct)
    {
        var rows = await sql.ListAsync<KeyedTotal>(db, ct);
        var sums = rows.Single(r => r.Key is null);
        var ranked = rows.Where(r => r.Key is not null).OrderByDescending(r => r.Value).ThenBy(r => r.Key, StringComparer.Ordinal).ToList();
        return (ranked, sums.Value, sums.Count);
    }

    /// <summary>
    /// The top k rows of a ranked aggregate (alias <c>t</c>, its conditions already appended after <c>WHERE ...</c>) by a
    /// metric column: <c>ORDER BY metric DESC, author COLLATE "C"</c> is exactly its metric index (AggregateRows), so
    /// Postgres reads k index entries, and k more per org type it skips.
    /// </summary>
    public static SqlText Ranked(SqlText where, string value, int k) =>
        where.Append($""" ORDER BY {value} DESC, t.author COLLATE "C" LIMIT {where.P(k)}""");

    /// <summary>
    /// The condition "the author is of org type X" on an aggregate row <c>t</c>, as DataVerse and ModelVerse have always
    /// read it: from the author's current row (an overview arriving after the snapshot reclassifies it), and an author
    /// without a row is an individual.
    /// </summary>
    public static string OrgType(SqlText sql, string orgType) => orgType == OrgTypes.Individual
        ? $" AND NOT EXISTS (SELECT 1 FROM metrics.organizations o WHERE o.name = t.author AND o.org_type <> {sql.P(orgType)})"
        : $" AND EXISTS (SELECT 1 FROM metrics.organizations o WHERE o.name = t.author AND o.org_type = {sql.P(orgType)})";
}
