namespace HubPlatform.Crawler.Crawling;

public sealed class CrawlerOptions
{
    public const string Section = "Crawler";

    /// <summary>Start a full crawl when the crawler starts and none was ever requested.</summary>
    public bool CrawlOnStartup { get; set; } = true;

    /// <summary>When full snapshots are due (cron, UTC); empty turns the schedule off.</summary>
    public string? FullCrawlCron { get; set; } = "0 3 * * 0";

    /// <summary>When incremental crawls are due (cron, UTC); empty turns them off.</summary>
    public string? IncrementalCrawlCron { get; set; } = "0 * * * *";

    /// <summary>How far back the first incremental crawl looks when no crawl has completed yet.</summary>
    public TimeSpan IncrementalFirstLookback { get; set; } = TimeSpan.FromDays(1);

    public int PageSize { get; set; } = 1000;

    /// <summary>
    /// Listing pages each stage (fetch; parse; card backlog) holds ahead while earlier ones commit (at
    /// least 1). Each waits as parsed repos and its serialized event (a page of 1000 models is about
    /// 1 MB of JSON), so a few are plenty: they only hide the commit behind the next fetch.
    /// </summary>
    public int ListingLookAhead { get; set; } = 4;

    /// <summary>Overviews of authors with at least this many repos in the snapshot are fetched.</summary>
    public int OrganizationMinRepos { get; set; } = 20;

    /// <summary>...and of the authors with the most downloads (models and datasets), this many.</summary>
    public int OrganizationTopByDownloads { get; set; } = 5000;

    /// <summary>At most this many overviews per snapshot (0 turns the phase off), most downloaded authors first.</summary>
    public int MaxOrganizations { get; set; } = 20000;

    /// <summary>Overviews per OrganizationsObserved event.</summary>
    public int OrganizationsPerPage { get; set; } = 100;

    /// <summary>
    /// Work the card backlog: the README of every model and dataset the listings saw, fetched
    /// beside the crawls through <c>/resolve/</c> (the Hub's resolvers bucket) and again whenever
    /// the repo's sha moves. Off, no card is fetched.
    /// </summary>
    public bool FetchCards { get; set; } = true;

    /// <summary>
    /// Cards fetched at once. Enough to spend the resolvers quota (5,000 per 5 minutes for a free
    /// token, 16.7/s) at the Hub's latency: at ~0.3 s a README, 16 in flight can ask for ~50/s,
    /// so the quota, not the latency, sets the pace.
    /// </summary>
    public int CardConcurrency { get; set; } = 16;

    /// <summary>
    /// Cards taken from the backlog per commit: their events and their "read at sha" marks are one
    /// transaction, so a killed crawler fetches at most this many again and sends none twice.
    /// </summary>
    public int CardsPerBatch { get; set; } = 200;

    /// <summary>A card the Hub kept refusing (after the client's bounded tries) is tried again after this long.</summary>
    public TimeSpan CardRetryAfter { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How often the card backlog looks for new work once it is done.</summary>
    public TimeSpan CardPoll { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Cards per CardsFetched event at most; a page also closes once its cards pass <see cref="MaxCardPageBytes"/>.</summary>
    public int CardsPerPage { get; set; } = 20;

    /// <summary>A page of cards closes once its serialized cards reach this size, keeping messages well under 1 MB.</summary>
    public int MaxCardPageBytes { get; set; } = 256 * 1024;

    /// <summary>Longer cards are cut here (with the front matter, the start of a card is what search reads).</summary>
    public int MaxCardChars { get; set; } = 50000;

    public int MaxAttemptsPerPage { get; set; } = 6;

    /// <summary>How long a crawl that the Hub kept refusing waits before it resumes from its checkpoint.</summary>
    public TimeSpan ResumeAfterFailure { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Failed publishes of an outbox row, each its own fault (unknown type, unreadable payload, refused
    /// by the bus; a broker outage does not count), before the row is moved aside for an admin.
    /// </summary>
    public int OutboxMaxAttempts { get; set; } = 5;

    /// <summary>
    /// Full snapshots whose repo lists (<c>crawler.snapshot_repo_pages</c>) are kept after a crawl, the newest
    /// completed ones (at least 1: the next snapshot's removed repos are computed against the last).
    /// Sent events older than the oldest of them are deleted too.
    /// </summary>
    public int KeepSnapshots { get; set; } = 2;

    /// <summary>Sent events are kept at most this long, even within the kept snapshots (unsent ones are never deleted).</summary>
    public TimeSpan KeepSentEventsFor { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Rows (a snapshot's listing pages, sent events) deleted per statement when pruning, so no delete holds locks or WAL for long.
    /// </summary>
    public int PruneBatchSize { get; set; } = 5000;
}
