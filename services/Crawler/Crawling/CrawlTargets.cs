using HubPlatform.Crawler.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Crawler.Crawling;

/// <summary>
/// Whose overviews a full snapshot fetches, chosen from what its listings saw
/// (crawler.snapshot_repo_pages). The choice is a fixed set once the listings are done, walked in a
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
            WITH repos AS (
                -- A repo listed twice (the listing shifted under the crawl) counts once.
                SELECT DISTINCT ON (p.repo_type, r.id) r.author, r.downloads
                FROM crawler.snapshot_repo_pages p, unnest(p.repo_ids, p.authors, p.downloads) AS r(id, author, downloads)
                WHERE p.snapshot_id = {snapshot}),
            authors AS (
                SELECT author, count(*) AS repos, sum(downloads) AS downloads
                FROM repos
                WHERE author IS NOT NULL AND author <> ''
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
}
