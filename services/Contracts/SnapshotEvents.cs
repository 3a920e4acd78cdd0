namespace HubPlatform.Contracts;

/// <summary>What a crawl covers: every repo (a weekly snapshot) or only the newest changes.</summary>
public enum CrawlKind
{
    Full,
    Incremental,
}

/// <summary>The three kinds of repo the Hub hosts.</summary>
public enum RepoType
{
    Model,
    Dataset,
    Space,
}

/// <summary>A crawl began; every event of that crawl carries its <paramref name="SnapshotId"/>.</summary>
public sealed record SnapshotStarted(
    Guid SnapshotId,
    CrawlKind Kind,
    DateTimeOffset StartedAt,
    string HubEndpoint);

/// <summary>
/// A crawl finished. Counts are what the crawler published, so a consumer can tell when it has
/// seen everything: <paramref name="ModelPages"/> ModelsObserved, <paramref name="DatasetPages"/>
/// DatasetsObserved, <paramref name="SpacePages"/> SpacesObserved, <paramref name="OrganizationPages"/>
/// OrganizationsObserved and <paramref name="CardPages"/> CardsFetched events. A service expects
/// the sum of the kinds it consumes; page numbers are unique across kinds within a snapshot.
/// Consumers roll up and invalidate caches once they have everything.
/// </summary>
public sealed record SnapshotCompleted(
    Guid SnapshotId,
    CrawlKind Kind,
    DateTimeOffset StartedAt,
    DateTimeOffset CompletedAt,
    int Pages,
    long Models,
    long Datasets,
    long Spaces,
    int FailedPages,
    int ModelPages,
    int DatasetPages = 0,
    int SpacePages = 0,
    int OrganizationPages = 0,
    int CardPages = 0);

/// <summary>Repos seen in the previous full snapshot and gone from this one (deleted, made private or renamed).</summary>
public sealed record ReposRemoved(
    Guid SnapshotId,
    DateTimeOffset ObservedAt,
    RepoType RepoType,
    IReadOnlyList<string> Ids);
