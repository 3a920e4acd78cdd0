namespace HubPlatform.Contracts;

/// <summary>
/// One listing page of datasets as the Hub showed them at <paramref name="ObservedAt"/>.
/// <paramref name="Page"/> is the crawl-wide page number (models, datasets, spaces and
/// organizations share one sequence), so (snapshot, page) identifies a page of any kind.
/// </summary>
public sealed record DatasetsObserved(
    Guid SnapshotId,
    int Page,
    DateTimeOffset ObservedAt,
    IReadOnlyList<DatasetObservation> Datasets);

/// <summary>
/// A dataset's public metadata, normalised by the crawler. The typed lists come from the Hub's
/// typed tags (<c>task_categories:X</c>, <c>modality:X</c>, <c>size_categories:X</c>,
/// <c>language:X</c>, <c>format:X</c>) and the card's front matter; <see cref="Tags"/> keeps all
/// raw tags so downstream rules (domains, benchmark flag) can read what the crawler does not type.
/// </summary>
public sealed record DatasetObservation(
    string Id,
    string Author,
    string? Sha,
    DateTimeOffset? CreatedAt,
    DateTimeOffset? LastModified,
    bool Private,
    string Gated,
    bool Disabled,
    long Downloads,
    long? DownloadsAllTime,
    long Likes,
    double? TrendingScore,
    IReadOnlyList<string> Tags,
    string? License,
    IReadOnlyList<string> Languages,
    IReadOnlyList<string> TaskCategories,
    IReadOnlyList<string> Modalities,
    string? SizeCategory,
    IReadOnlyList<string> Formats,
    string? PrettyName,
    string? Description);

/// <summary>One listing page of spaces.</summary>
public sealed record SpacesObserved(
    Guid SnapshotId,
    int Page,
    DateTimeOffset ObservedAt,
    IReadOnlyList<SpaceObservation> Spaces);

/// <summary>A space's public metadata: its SDK and the models and datasets it uses.</summary>
public sealed record SpaceObservation(
    string Id,
    string Author,
    string? Sha,
    DateTimeOffset? CreatedAt,
    DateTimeOffset? LastModified,
    bool Private,
    bool Disabled,
    long Likes,
    double? TrendingScore,
    string? Sdk,
    IReadOnlyList<string> Tags,
    string? License,
    IReadOnlyList<string> Models,
    IReadOnlyList<string> Datasets,
    string? Title);

/// <summary>
/// Overviews of the authors (organizations and users) seen in a snapshot, from
/// <c>/api/organizations/{name}/overview</c> and <c>/api/users/{name}/overview</c>.
/// </summary>
public sealed record OrganizationsObserved(
    Guid SnapshotId,
    int Page,
    DateTimeOffset ObservedAt,
    IReadOnlyList<AuthorOverview> Authors);

/// <summary>
/// What the Hub says about an author. <paramref name="Type"/> is the Hub's word: "org" or "user".
/// Counts are null when the Hub did not send them.
/// </summary>
public sealed record AuthorOverview(
    string Name,
    string Type,
    string? Fullname,
    bool IsVerified,
    bool IsEnterprise,
    long? NumModels,
    long? NumDatasets,
    long? NumSpaces,
    long? NumFollowers,
    long? NumUsers,
    string? Details);

/// <summary>
/// Cards (README.md) the crawler's card backlog read, a few at a time (cards are large, so they
/// travel apart from the listing pages). <paramref name="SnapshotId"/> is the snapshot whose listing
/// saw the cards' sha; <paramref name="Page"/> is the backlog's own sequence (not a crawl's page
/// sequence, and not counted in SnapshotCompleted). A card is sent once per sha it was read at.
/// </summary>
public sealed record CardsFetched(
    Guid SnapshotId,
    int Page,
    DateTimeOffset FetchedAt,
    RepoType RepoType,
    IReadOnlyList<RepoCard> Cards);

/// <summary>
/// A repo's card as served by <c>/{id}/resolve/main/README.md</c>, front matter included; <paramref name="Sha"/> is the revision the listing gave.
/// </summary>
public sealed record RepoCard(string Id, string? Sha, string Text);
