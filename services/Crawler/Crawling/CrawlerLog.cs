using HubPlatform.Contracts;
using HubPlatform.Crawler.Infrastructure;

namespace HubPlatform.Crawler.Crawling;

/// <summary>
/// The crawl's log lines (runner, listing reader, coordinator, retention, card backlog), generated
/// at build time: no template parsing and no boxing per line. The templates and their property
/// names are what dashboards and tests read; keep them as they are.
/// </summary>
internal static partial class CrawlerLog
{
    // ---- A crawl's life ----

    [LoggerMessage(Level = LogLevel.Information, Message = "A {Kind} crawl is due; crawl scheduled")]
    public static partial void CrawlScheduled(this ILogger logger, CrawlKind kind);

    [LoggerMessage(Level = LogLevel.Information, Message = "Crawl {SnapshotId} ({Kind}) started against {Endpoint}; modified since {ModifiedSince}")]
    public static partial void CrawlStarted(this ILogger logger, Guid snapshotId, CrawlKind kind, string endpoint, DateTimeOffset? modifiedSince);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Crawl {SnapshotId}: {Warning} Hub time {HubTime:O}, local time {LocalTime:O}")]
    public static partial void HubClockSkewed(this ILogger logger, Guid snapshotId, string warning, DateTimeOffset hubTime, DateTimeOffset localTime);

    [LoggerMessage(Level = LogLevel.Information, Message = "Crawl {SnapshotId}: phase {Phase} begins after page {Page}")]
    public static partial void PhaseBegins(this ILogger logger, Guid snapshotId, CrawlPhase phase, int page);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Crawl {SnapshotId} {Phase}: page {Page}, {Models} models, {Datasets} datasets, {Spaces} spaces, {Organizations} overviews "
            + "({Rate:F0} repos/s), {FailedPages} failed pages, {RateLimitWait:F0}s rate-limit waits, ETA {Eta}")]
    public static partial void CrawlProgress(this ILogger logger, Guid snapshotId, CrawlPhase phase, int page, long models, long datasets,
        long spaces, long organizations, double rate, int failedPages, double rateLimitWait, string eta);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Crawl {SnapshotId} ({Kind}) completed: {Pages} pages, {Models} models, {Datasets} datasets, {Spaces} spaces, "
            + "{Organizations} overviews, {FailedPages} failed pages")]
    public static partial void CrawlCompleted(this ILogger logger, Guid snapshotId, CrawlKind kind, int pages, long models, long datasets,
        long spaces, long organizations, int failedPages);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Kind} crawl interrupted; it resumes from its checkpoint in {Delay}")]
    public static partial void CrawlInterrupted(this ILogger logger, Exception exception, CrawlKind kind, TimeSpan delay);

    // ---- Listings ----

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Crawl {SnapshotId}: {Pages} listing pages in {Seconds:F1}s ({PagesPerSecond:F2}/s); per page: fetch {Fetch:F0} ms, "
            + "parse and serialize {Parse:F0} ms (read ahead, up to {LookAhead} pages), card backlog {Cards:F0} ms (beside the commits), "
            + "commit {Commit:F0} ms (of which the snapshot's repos {Remember:F0} ms), commits waited for pages {Idle:F0} ms")]
    public static partial void ListingTimings(this ILogger logger, Guid snapshotId, int pages, double seconds, double pagesPerSecond, double fetch,
        double parse, int lookAhead, double cards, double commit, double remember, double idle);

    [LoggerMessage(Level = LogLevel.Error,
        Message = "Crawl {SnapshotId}: {RepoType} page {Url} stayed unreadable ({Reason}); dead-lettered, crawl goes on")]
    public static partial void PageDeadLettered(this ILogger logger, Guid snapshotId, RepoType repoType, string url, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Crawl {SnapshotId}: skipped an unreadable {RepoType} on page {Page}")]
    public static partial void RepoSkipped(this ILogger logger, Exception exception, Guid snapshotId, RepoType repoType, int page);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Crawl {SnapshotId}: author {Author} has no overview (deleted?); skipped")]
    public static partial void AuthorOverviewMissing(this ILogger logger, Guid snapshotId, string author);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Crawl {SnapshotId} had {FailedPages} failed pages; removed repos are not computed for it")]
    public static partial void RemovedReposNotComputed(this ILogger logger, Guid snapshotId, int failedPages);

    [LoggerMessage(Level = LogLevel.Information, Message = "Crawl {SnapshotId}: {Removed} {RepoType} repos gone since the previous snapshot")]
    public static partial void ReposGone(this ILogger logger, Guid snapshotId, int removed, RepoType repoType);

    // ---- Retention ----

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Retention: deleted the lists of {Repos} repos of {Snapshots} older full snapshots (keeping the last {Keep}: {Kept}) "
            + "and {Events} sent events created before {SentBefore:O}")]
    public static partial void Pruned(this ILogger logger, long repos, int snapshots, int keep, string kept, long events, DateTimeOffset sentBefore);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pruning after crawl {SnapshotId} failed")]
    public static partial void PruningFailed(this ILogger logger, Exception exception, Guid snapshotId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "VACUUM after pruning failed; autovacuum reclaims the space later")]
    public static partial void VacuumFailed(this ILogger logger, Exception exception);

    // ---- Card backlog ----

    [LoggerMessage(Level = LogLevel.Error, Message = "The card backlog stopped; it resumes in {Delay}")]
    public static partial void CardBacklogStopped(this ILogger logger, Exception exception, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Card of {RepoType} {Id} not read ({Reason}); tried again after {RetryAfter}")]
    public static partial void CardNotRead(this ILogger logger, RepoType repoType, string id, string reason, TimeSpan retryAfter);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Card backlog: {Cards} cards read in {Seconds:F1}s ({Rate:F1}/s), {WithReadme} with a README, {Failed} failed")]
    public static partial void CardsRead(this ILogger logger, int cards, double seconds, double rate, int withReadme, int failed);
}
