using HubPlatform.Contracts;

namespace HubPlatform.Crawler.Infrastructure;

public enum CrawlStatus
{
    Pending,
    Running,
    Completed,
    Failed,
}

/// <summary>
/// The steps of a crawl, in order. A full snapshot lists models, datasets and spaces, then fetches
/// the overviews of the authors the analytics need and the cards search needs; an incremental
/// crawl stops after the listings.
/// </summary>
public enum CrawlPhase
{
    Models,
    Datasets,
    Spaces,
    Organizations,
    Cards,
    Done,
}

/// <summary>
/// One crawl, which is one snapshot (<see cref="Id"/> is the snapshot id). <see cref="NextUrl"/>
/// and <see cref="Cursor"/> are the checkpoint, saved in the same transaction as the events of the
/// page before them: the listing page to fetch next in the current <see cref="Phase"/>, or the
/// last author or card done in the organizations and cards phases.
/// </summary>
public sealed class Crawl
{
    public Guid Id { get; set; }
    public CrawlKind Kind { get; set; }
    public CrawlStatus Status { get; set; }
    public DateTimeOffset RequestedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public string HubEndpoint { get; set; } = "";
    public CrawlPhase Phase { get; set; }
    public string? NextUrl { get; set; }
    /// <summary>In the organizations phase the last author done; in the cards phase <c>{RepoType}:{id}</c> of the last card done.</summary>
    public string? Cursor { get; set; }
    /// <summary>An incremental crawl lists repos modified at or after this (the previous crawl's start), newest first.</summary>
    public DateTimeOffset? ModifiedSince { get; set; }
    /// <summary>Pages of every kind, committed so far; the page numbers of this crawl's events are 1..Pages.</summary>
    public int Pages { get; set; }
    /// <summary>How many ModelsObserved events the crawl published (pages that were neither empty nor dead-lettered).</summary>
    public int ModelPages { get; set; }
    public int DatasetPages { get; set; }
    public int SpacePages { get; set; }
    public int OrganizationPages { get; set; }
    public int CardPages { get; set; }
    public long Models { get; set; }
    public long Datasets { get; set; }
    public long Spaces { get; set; }
    public long Organizations { get; set; }
    public long Cards { get; set; }
    /// <summary>Repos the previous crawl of this kind saw, for the ETA; null for the first one.</summary>
    public long? ExpectedRepos { get; set; }
    public int FailedPages { get; set; }
    public double RateLimitWaitSeconds { get; set; }
    public string? LastError { get; set; }

    /// <summary>
    /// The Hub's clock minus this machine's, from the <c>Date</c> header of the crawl's first listing
    /// answer; null until then. The snapshot's events are on the Hub's clock (this machine's plus
    /// this), so "the last N weeks" of a snapshot are the Hub's weeks.
    /// </summary>
    public double? HubClockSkewSeconds { get; set; }

    public TimeSpan? HubClockSkew => HubClockSkewSeconds is { } s ? TimeSpan.FromSeconds(s) : null;

    /// <summary>When the crawl started, on the Hub's clock: the snapshot's time.</summary>
    public DateTimeOffset? HubStartedAt => StartedAt is { } started ? OnHubClock(started, HubClockSkewSeconds) : null;

    /// <summary>
    /// A time of this machine's on the Hub's clock, in whole microseconds (what Postgres keeps), so
    /// the snapshot's time reads the same from the crawl, from its events and from a stored copy.
    /// </summary>
    public static DateTimeOffset OnHubClock(DateTimeOffset local, double? skewSeconds)
    {
        var ticks = (local + TimeSpan.FromSeconds(skewSeconds ?? 0)).UtcTicks;
        return new DateTimeOffset(ticks - ticks % 10, TimeSpan.Zero);
    }

    /// <summary>A skew beyond this is worth a warning: one of the two clocks is wrong, or the Hub is a replay.</summary>
    public static readonly TimeSpan HubClockTolerance = TimeSpan.FromMinutes(1);

    public string? HubClockWarning => HubClockSkew is { } skew && skew.Duration() > HubClockTolerance
        ? $"The Hub's clock is {skew.Duration().TotalSeconds:F0} s {(skew > TimeSpan.Zero ? "ahead of" : "behind")} this machine's; "
            + "the snapshot is stamped with the Hub's time."
        : null;
}

/// <summary>
/// What a full snapshot saw on one listing page: the repos' ids, authors and downloads, as arrays. A row
/// a page, written in the page's transaction, serves removed-repo detection and the choice of overviews;
/// a row per repo (1.7M at 1M models, each with its index entry) was the costliest part of a page's commit.
/// </summary>
public sealed class SnapshotRepoPage
{
    public Guid SnapshotId { get; set; }
    /// <summary>The listing page's number in the crawl (negative: repo lists carried over from the row-per-repo table).</summary>
    public int Page { get; set; }
    public RepoType RepoType { get; set; }
    public string[] RepoIds { get; set; } = [];
    /// <summary>Each repo's author ("" when the Hub gave none), in the order of <see cref="RepoIds"/>.</summary>
    public string[] Authors { get; set; } = [];
    public long[] Downloads { get; set; } = [];
}

/// <summary>
/// An event waiting to be relayed to RabbitMQ. <see cref="MessageId"/> stays the same across relays.
/// A row the relay could not publish for a reason of its own (not a broker outage) counts
/// <see cref="Attempts"/>; after <c>Crawler:OutboxMaxAttempts</c> it is moved aside
/// (<see cref="FailedAt"/>) so the rows behind it flow, until an admin replays it.
/// </summary>
public sealed class OutboxMessage
{
    public long Id { get; set; }
    public Guid MessageId { get; set; }
    public string MessageType { get; set; } = "";
    /// <summary>The event's JSON, UTF-8 (a page of 1000 models is about 1 MB; stored lz4-compressed, see <see cref="CrawlerDbContext"/>).</summary>
    public byte[] Payload { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    /// <summary>Failed publishes of this row that were its own fault (unknown type, unreadable payload, refused by the bus).</summary>
    public int Attempts { get; set; }
    /// <summary>When the row was moved aside; the relay skips it until it is replayed.</summary>
    public DateTimeOffset? FailedAt { get; set; }
    public string? LastError { get; set; }
    /// <summary>The event itself while this process holds it (not stored): once committed it goes to <c>RecentEvents</c>.</summary>
    public object? Message { get; set; }
}

/// <summary>A page the Hub kept answering with something unreadable: skipped, reported, retryable later.</summary>
public sealed class FailedPage
{
    public long Id { get; set; }
    public Guid CrawlId { get; set; }
    public string Url { get; set; } = "";
    public string Reason { get; set; } = "";
    public DateTimeOffset FailedAt { get; set; }
}
