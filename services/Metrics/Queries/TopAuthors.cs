using HubPlatform.Metrics.Infrastructure;

namespace HubPlatform.Metrics.Queries;

/// <summary>One author's total in a ranking: the ranked value and how many repos it sums.</summary>
internal sealed class AuthorTotal
{
    /// <summary>Null on the totals row.</summary>
    public string? Author { get; init; }
    public double Value { get; init; }
    public long Repos { get; init; }
}

/// <summary>
/// The tail ModelVerse and DataVerse rankings share over the per-author aggregates. The caller writes
/// an open CTE <c>WITH g AS (SELECT author, value, repos ...</c>; this closes it and asks only for the top k
/// authors and one row of totals (author NULL), so a ranking over 200k authors sends k + 1 rows out of Postgres.
/// </summary>
internal static class TopAuthors
{
    public static async Task<(List<AuthorTotal> Top, double Value, long Repos)> ListAsync(SqlText sql, int k, MetricsDbContext db, CancellationToken ct)
    {
        sql.Append($"""
            )
            SELECT x.author AS "Author", x.value AS "Value", x.repos AS "Repos"
            FROM (SELECT * FROM g ORDER BY g.value DESC, g.author COLLATE "C" LIMIT {sql.P(k)}) x
            UNION ALL
            SELECT NULL, coalesce(sum(g.value), 0)::float8, coalesce(sum(g.repos), 0)::bigint FROM g
            """);
        var rows = await sql.ListAsync<AuthorTotal>(db, ct);
        var totals = rows.Single(r => r.Author is null);
        var top = rows.Where(r => r.Author is not null).OrderByDescending(r => r.Value).ThenBy(r => r.Author, StringComparer.Ordinal).ToList();
        return (top, totals.Value, totals.Repos);
    }
}
