namespace HubPlatform.Crawler.Crawling;

public sealed class CrawlerOptions
{
    public const string Section = "Crawler";

    /// <summary>Start a full crawl when the crawler starts and none was ever requested.</summary>
    public bool CrawlOnStartup { get; set; } = true;

    /// <summary>When full snapshots are due (cron, UTC); empty turns the schedule off.</summary>
    public string? FullCrawlCron { get; set; } = "0 3 * * 0";

    public int PageSize { get; set; } = 1000;

    public int MaxAttemptsPerPage { get; set; } = 6;

    /// <summary>How long a crawl that the Hub kept refusing waits before it resumes from its checkpoint.</summary>
    public TimeSpan ResumeAfterFailure { get; set; } = TimeSpan.FromSeconds(30);
}
