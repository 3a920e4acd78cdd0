using HubPlatform.Contracts;
using HubPlatform.Crawler.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Crawler.Crawling;

/// <summary>A card to fetch: the repo, the revision the listing saw, and the snapshot that saw it.</summary>
public sealed record CardTarget(RepoType Type, string Id, string? Sha, Guid SnapshotId);

/// <summary>A card read: its text, or null when the repo has no README (a 404, a normal answer).</summary>
public sealed record CardRead(CardTarget Target, string? Text);

/// <summary>
/// The card backlog in crawler.cards: every model and dataset any listing saw (full or
/// incremental), with the revision listed last and the revision its card was read at. A listing
/// page adds and moves rows in its own transaction; <see cref="CardFetcher"/> takes the due ones.
/// </summary>
public static class CardBacklog
{
    /// <summary>
    /// Records a listing page's repos. A repo whose sha moved becomes due again (and forgets its
    /// failures); one whose sha did not keeps its read card, so a weekly snapshot costs no refetch.
    /// </summary>
    public static Task ListedAsync(CrawlerDbContext db, Guid snapshot, RepoType type, IReadOnlyList<ListedRepo> repos, CancellationToken ct)
    {
        var typeName = type.ToString();
        var ids = repos.Select(r => r.Id).ToArray();
        var shas = repos.Select(r => r.Sha).ToArray();
        var downloads = repos.Select(r => r.Downloads).ToArray();
        var created = repos.Select(r => r.CreatedAt?.ToUniversalTime()).ToArray();
        return db.Database.ExecuteSqlAsync($"""
            INSERT INTO crawler.cards AS c (repo_type, repo_id, sha, downloads, created_at, snapshot_id, failures)
            SELECT DISTINCT ON (r.id) {typeName}, r.id, r.sha, r.downloads, r.created_at, {snapshot}, 0
            FROM unnest({ids}, {shas}, {downloads}, {created}) AS r(id, sha, downloads, created_at)
            ON CONFLICT (repo_type, repo_id) DO UPDATE SET
                sha = EXCLUDED.sha,
                downloads = EXCLUDED.downloads,
                created_at = coalesce(EXCLUDED.created_at, c.created_at),
                snapshot_id = CASE WHEN c.sha IS DISTINCT FROM EXCLUDED.sha THEN EXCLUDED.snapshot_id ELSE c.snapshot_id END,
                failures = CASE WHEN c.sha IS DISTINCT FROM EXCLUDED.sha THEN 0 ELSE c.failures END,
                retry_at = CASE WHEN c.sha IS DISTINCT FROM EXCLUDED.sha THEN NULL ELSE c.retry_at END
            WHERE c.sha IS DISTINCT FROM EXCLUDED.sha OR c.downloads <> EXCLUDED.downloads
            """, ct);
    }

    /// <summary>Repos a full snapshot no longer saw leave the backlog (their cards are search's to drop with the repos).</summary>
    public static Task RemovedAsync(CrawlerDbContext db, RepoType type, IReadOnlyList<string> ids, CancellationToken ct)
    {
        var typeName = type.ToString();
        var removed = ids.ToArray();
        return db.Database.ExecuteSqlAsync($"DELETE FROM crawler.cards WHERE repo_type = {typeName} AND repo_id = ANY({removed})", ct);
    }

    /// <summary>
    /// The next due cards, at most <paramref name="limit"/>: half the newest repos, half the most
    /// downloaded, so a repo created today and the Hub's most used ones both come early. Cards
    /// that failed wait for their <see cref="CardState.RetryAt"/>.
    /// </summary>
    public static async Task<List<CardTarget>> NextAsync(CrawlerDbContext db, int limit, DateTimeOffset now, CancellationToken ct)
    {
        var newest = (limit + 1) / 2;
        // One text per row keeps this a scalar query: type, id, sha and snapshot never contain a tab.
        var rows = await db.Database.SqlQuery<string>($"""
            WITH newest AS (
                SELECT repo_type, repo_id, sha, snapshot_id FROM crawler.cards
                WHERE (fetched_at IS NULL OR fetched_sha IS DISTINCT FROM sha) AND (retry_at IS NULL OR retry_at <= {now})
                ORDER BY created_at DESC NULLS LAST LIMIT {newest}),
            popular AS (
                SELECT repo_type, repo_id, sha, snapshot_id FROM crawler.cards
                WHERE (fetched_at IS NULL OR fetched_sha IS DISTINCT FROM sha) AND (retry_at IS NULL OR retry_at <= {now})
                ORDER BY downloads DESC LIMIT {limit})
            SELECT repo_type || E'\t' || repo_id || E'\t' || coalesce(sha, '') || E'\t' || snapshot_id::text AS "Value"
            FROM (SELECT * FROM newest UNION SELECT * FROM popular) chosen
            LIMIT {limit}
            """).ToListAsync(ct);
        return rows.Select(r => r.Split('\t'))
            .Select(p => new CardTarget(Enum.Parse<RepoType>(p[0]), p[1], p[2].Length > 0 ? p[2] : null, Guid.Parse(p[3])))
            .ToList();
    }

    /// <summary>Marks cards read at the revision they were taken at; a sha that moved meanwhile leaves the card due.</summary>
    public static Task ReadAsync(CrawlerDbContext db, IReadOnlyList<CardRead> reads, DateTimeOffset now, CancellationToken ct)
    {
        var types = reads.Select(r => r.Target.Type.ToString()).ToArray();
        var ids = reads.Select(r => r.Target.Id).ToArray();
        var shas = reads.Select(r => r.Target.Sha).ToArray();
        var readmes = reads.Select(r => r.Text is not null).ToArray();
        return db.Database.ExecuteSqlAsync($"""
            UPDATE crawler.cards c SET fetched_sha = u.sha, fetched_at = {now}, has_readme = u.readme, failures = 0, retry_at = NULL
            FROM unnest({types}, {ids}, {shas}, {readmes}) AS u(repo_type, repo_id, sha, readme)
            WHERE c.repo_type = u.repo_type AND c.repo_id = u.repo_id
            """, ct);
    }

    /// <summary>Cards the Hub kept refusing: tried again after <paramref name="retryAt"/>, not at the head of every batch.</summary>
    public static Task FailedAsync(CrawlerDbContext db, IReadOnlyList<CardTarget> failed, DateTimeOffset retryAt, CancellationToken ct)
    {
        var types = failed.Select(r => r.Type.ToString()).ToArray();
        var ids = failed.Select(r => r.Id).ToArray();
        return db.Database.ExecuteSqlAsync($"""
            UPDATE crawler.cards c SET failures = c.failures + 1, retry_at = {retryAt}
            FROM unnest({types}, {ids}) AS u(repo_type, repo_id)
            WHERE c.repo_type = u.repo_type AND c.repo_id = u.repo_id
            """, ct);
    }

    /// <summary>The next CardsFetched page number: the backlog's own sequence, apart from any crawl's pages.</summary>
    public static async Task<int> NextPageAsync(CrawlerDbContext db, CancellationToken ct) =>
        (await db.Database.SqlQuery<int>($"SELECT nextval('crawler.card_pages')::int AS \"Value\"").ToListAsync(ct)).Single();
}
