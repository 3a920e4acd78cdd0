using HubPlatform.Contracts;
using HubPlatform.Crawler.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Crawler.Crawling;

/// <summary>A card to fetch: the repo and the revision the listing saw.</summary>
public sealed record CardTarget(RepoType Type, string Id, string? Sha)
{
    public string Cursor => $"{Type}:{Id}";
}

/// <summary>
/// Whose overviews and which cards a full snapshot fetches, chosen from what its listings saw
/// (crawler.snapshot_repos). Each choice is a fixed set once the listings are done, walked in a
/// stable order from the checkpoint, so a resumed crawl picks up exactly where it stopped.
/// </summary>
public static class CrawlTargets
{
    /// <summary>
    /// The next authors after <paramref name="after"/> (ordinal order): those with at least
    /// <see cref="CrawlerOptions.OrganizationMinRepos"/> repos or among the top
    /// <see cref="CrawlerOptions.OrganizationTopByDownloads"/> by downloads, at most
    /// <see cref="CrawlerOptions.MaxOrganizations"/> of them (the most downloaded).
    /// </summary>
    public static Task<List<string>> NextAuthorsAsync(CrawlerDbContext db, Guid snapshot, string? after, CrawlerOptions options, CancellationToken ct)
    {
        var cursor = after ?? "";
        return db.Database.SqlQuery<string>($"""
            WITH authors AS (
                SELECT author, count(*) AS repos, sum(downloads) AS downloads
                FROM crawler.snapshot_repos
                WHERE snapshot_id = {snapshot} AND author IS NOT NULL AND author <> ''
                GROUP BY author),
            top_downloads AS (
                SELECT author FROM authors ORDER BY downloads DESC, author COLLATE "C" LIMIT {options.OrganizationTopByDownloads}),
            chosen AS (
                SELECT author FROM authors
                WHERE repos >= {options.OrganizationMinRepos} OR author IN (SELECT author FROM top_downloads)
                ORDER BY downloads DESC, author COLLATE "C"
                LIMIT {options.MaxOrganizations})
            SELECT author AS "Value" FROM chosen
            WHERE author COLLATE "C" > {cursor}
            ORDER BY author COLLATE "C"
            LIMIT {options.OrganizationsPerPage}
            """).ToListAsync(ct);
    }

    /// <summary>
    /// The next cards after <paramref name="after"/> (ordered by type, then id), all of one repo
    /// type: models and datasets with at least <see cref="CrawlerOptions.CardMinDownloads"/>
    /// downloads or created after <paramref name="createdAfter"/> (the previous snapshot's start),
    /// at most <see cref="CrawlerOptions.MaxCards"/> of them (the most downloaded).
    /// </summary>
    public static async Task<List<CardTarget>> NextCardsAsync(
        CrawlerDbContext db, Guid snapshot, string? after, DateTimeOffset? createdAfter, CrawlerOptions options, CancellationToken ct)
    {
        var (afterType, afterId) = after?.Split(':', 2) is [var t, var i] ? (t, i) : ("", "");
        var sinceKnown = createdAfter is not null;
        var since = createdAfter ?? DateTimeOffset.UnixEpoch;
        // One text per row keeps this a scalar query: type, id and sha never contain a tab.
        var rows = await db.Database.SqlQuery<string>($"""
            WITH chosen AS (
                SELECT repo_type, repo_id, sha FROM crawler.snapshot_repos
                WHERE snapshot_id = {snapshot} AND repo_type IN ('Model', 'Dataset')
                  AND (downloads >= {options.CardMinDownloads} OR ({sinceKnown} AND created_at > {since}))
                ORDER BY downloads DESC, repo_type, repo_id COLLATE "C"
                LIMIT {options.MaxCards})
            SELECT repo_type || E'\t' || repo_id || E'\t' || coalesce(sha, '') AS "Value" FROM chosen
            WHERE repo_type > {afterType} OR (repo_type = {afterType} AND repo_id COLLATE "C" > {afterId})
            ORDER BY repo_type, repo_id COLLATE "C"
            LIMIT {options.CardsPerPage}
            """).ToListAsync(ct);
        var targets = rows.Select(r => r.Split('\t')).Select(p => new CardTarget(Enum.Parse<RepoType>(p[0]), p[1], p[2].Length > 0 ? p[2] : null)).ToList();
        // A CardsFetched event carries one repo type.
        return targets.TakeWhile(c => c.Type == targets[0].Type).ToList();
    }
}
