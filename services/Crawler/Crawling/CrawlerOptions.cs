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
    /// Listing pages fetched and parsed ahead while earlier ones commit (at least 1). Each waits as
    /// parsed repos and its serialized event (a page of 1000 models is about 1 MB of JSON), so a
    /// few are plenty: they only hide the commit behind the next fetch.
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

    /// <summary>Cards of models and datasets with at least this many downloads are fetched, plus those created since the previous snapshot.</summary>
    public long CardMinDownloads { get; set; } = 1000;

    /// <summary>At most this many cards per snapshot (0 turns the phase off), most downloaded first.</summary>
    public int MaxCards { get; set; } = 50000;

    /// <summary>Cards per CardsFetched event at most; a page also closes once its cards pass <see cref="MaxCardPageBytes"/>.</summary>
    public int CardsPerPage { get; set; } = 20;

    /// <summary>A page of cards closes once its serialized cards reach this size, keeping messages well under 1 MB.</summary>
    public int MaxCardPageBytes { get; set; } = 256 * 1024;

    /// <summary>Longer cards are cut here (with the front matter, the start of a card is what search reads).</summary>
    public int MaxCardChars { get; set; } = 50000;

    public int MaxAttemptsPerPage { get; set; } = 6;

    /// <summary>How long a crawl that the Hub kept refusing waits before it resumes from its checkpoint.</summary>
    public TimeSpan ResumeAfterFailure { get; set; } = TimeSpan.FromSeconds(30);
}
