namespace HubPlatform.Search.Apis;

/// <summary>A repo found: its score in the mode asked for, the passage it was found by, and its key facts.</summary>
public sealed record SearchHit(
    string Id, string RepoType, double Score, string Snippet, string? PipelineTag, string? LibraryName,
    long Downloads, long Likes, long? Parameters, DateTimeOffset? CreatedAt, double? TrendingScore);

public sealed record SearchResults(string Query, string Mode, string RepoType, IReadOnlyList<SearchHit> Hits);

public sealed record SimilarResults(string Id, string RepoType, IReadOnlyList<SearchHit> Hits);

/// <summary>How far the pipeline is, in the database (shared by all replicas) and in this replica's index.</summary>
public sealed record SearchStatus(
    long Documents, long Models, long Datasets, long Cards, long Chunks, long DistinctTexts, long EmbeddedTexts,
    long EmbeddingBacklog, long IndexedVectors, long IndexWatermark, long LatestVersion, long EmbeddedSinceStart,
    DateTimeOffset? LastEmbeddedAt, string ExecutionProvider);

/// <summary>Filters every mode applies; null means "any". <see cref="RepoType"/> is always set (model by default).</summary>
public sealed record SearchFilters(
    string RepoType, string? PipelineTag, string? Library, string? License, string? Author, long? MinDownloads, long? MinLikes,
    DateTimeOffset? CreatedAfter, long? MinParameters, long? MaxParameters)
{
    public static SearchFilters Only(string repoType) => new(repoType, null, null, null, null, null, null, null, null, null);

    /// <summary>True when anything beyond the repo type narrows the results.</summary>
    public bool Narrows => this != Only(RepoType);
}
