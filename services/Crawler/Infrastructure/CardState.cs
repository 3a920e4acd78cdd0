using HubPlatform.Contracts;

namespace HubPlatform.Crawler.Infrastructure;

/// <summary>
/// A model's or dataset's card, as the card backlog knows it: the revision the latest listing saw
/// (<see cref="Sha"/>, written in the listing page's transaction) and the revision its card was
/// last read at (<see cref="FetchedSha"/>, written in the transaction that put the card's event in
/// the outbox). The card is due while it was never read or the two differ; a repo without a
/// README (404) is read too, and remembered as such (<see cref="HasReadme"/> false) until its sha moves.
/// </summary>
public sealed class CardState
{
    public RepoType RepoType { get; set; }
    public string RepoId { get; set; } = "";
    public string? Sha { get; set; }
    /// <summary>Downloads and creation date as last listed: the backlog's order (new and most downloaded first).</summary>
    public long Downloads { get; set; }
    public DateTimeOffset? CreatedAt { get; set; }
    /// <summary>The snapshot whose listing first saw <see cref="Sha"/>; the card's CardsFetched event carries it.</summary>
    public Guid SnapshotId { get; set; }
    public string? FetchedSha { get; set; }
    public DateTimeOffset? FetchedAt { get; set; }
    public bool? HasReadme { get; set; }
    /// <summary>Fetches the Hub kept refusing (after the client's own bounded tries) since the card was last read.</summary>
    public int Failures { get; set; }
    /// <summary>A card that failed waits until then, so one bad repo does not hold the head of the backlog.</summary>
    public DateTimeOffset? RetryAt { get; set; }
}
