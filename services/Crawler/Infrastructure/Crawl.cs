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
/// One crawl, which is one snapshot (<see cref="Id"/> is the snapshot id). <see cref="NextUrl"/>
/// is the checkpoint: the page to fetch next, saved in the same transaction as the events of
/// the page before it.
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
    public string? NextUrl { get; set; }
    public int Pages { get; set; }
    /// <summary>How many ModelsObserved events the crawl published (pages that were neither empty nor dead-lettered).</summary>
    public int ModelPages { get; set; }
    public long Models { get; set; }
    public int FailedPages { get; set; }
    public double RateLimitWaitSeconds { get; set; }
    public string? LastError { get; set; }
}

/// <summary>A repo seen by a full snapshot; the difference of two snapshots gives the removed repos.</summary>
public sealed class SnapshotRepo
{
    public Guid SnapshotId { get; set; }
    public RepoType RepoType { get; set; }
    public string RepoId { get; set; } = "";
}

/// <summary>An event waiting to be relayed to RabbitMQ. <see cref="MessageId"/> stays the same across relays.</summary>
public sealed class OutboxMessage
{
    public long Id { get; set; }
    public Guid MessageId { get; set; }
    public string MessageType { get; set; } = "";
    public string Payload { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
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
