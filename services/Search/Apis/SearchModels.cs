using System.ComponentModel;
using HubPlatform.Contracts;

namespace HubPlatform.Search.Apis;

/// <summary>A repo found: its score in the mode asked for, the passage it was found by, what the match rests on, and its key facts.</summary>
public sealed record SearchHit(
    string Id, string RepoType, double Score, string Snippet, string? PipelineTag, string? LibraryName,
    long Downloads, long Likes, long? Parameters, DateTimeOffset? CreatedAt, double? TrendingScore, Evidence Evidence);

/// <summary>
/// How much of a hit's match came from its card's text and how much from its metadata (id, task, tags,
/// languages, datasets, base models), as shares that add up to 1. Keyword: the card prose's part of the
/// full-text rank. Semantic: the best card passage's similarity against the best metadata text's, among
/// the texts the search matched. Hybrid: both, weighted by what each list gave the fused score.
/// </summary>
public sealed record Evidence(double Card, double Metadata)
{
    public static Evidence FromScores(double card, double metadata)
    {
        card = Math.Max(0, card);
        metadata = Math.Max(0, metadata);
        var total = card + metadata;
        return total <= 0 ? new(0, 1) : new(Math.Round(card / total, 3), Math.Round(metadata / total, 3));
    }
}

/// <summary>The hits of a search, best first (or in the order asked for).</summary>
public sealed record SearchResults(
    string Query, string Mode, string RepoType, IReadOnlyList<SearchHit> Hits,
    [property: Description("True when semantic search stopped widening at its bound (Search:Semantic:MaxCandidates) before k repos passed the " +
                           "filters: the hits are the best of the part of the index it looked at, and more repos may match. False otherwise.")]
    bool Partial);

public sealed record SimilarResults(string Id, string RepoType, IReadOnlyList<SearchHit> Hits);

/// <summary>
/// How far the pipeline is, in the database (shared by all replicas) and in this replica's index.
/// <see cref="EmbeddingEtaHours"/> is the backlog at <see cref="EmbeddingTextsPerSecond"/>, this replica's rate
/// over the last minute (null while it has not embedded for a minute and texts wait; 0 when none wait).
/// </summary>
public sealed record SearchStatus(
    long Documents, long Models, long Datasets, long Cards, long Chunks, long DistinctTexts, long EmbeddedTexts,
    long EmbeddingBacklog, long IndexedVectors, long IndexWatermark, long LatestVersion, long EmbeddedSinceStart,
    DateTimeOffset? LastEmbeddedAt, string ExecutionProvider, string Precision, CardCoverage CardCoverage,
    double? EmbeddingTextsPerSecond, double? EmbeddingEtaHours);

/// <summary>
/// How much of the hub search knows by its cards: models and datasets whose card (README) is stored, of those
/// the ones whose every chunk is embedded (searchable by meaning), and each as a share of the documents of that
/// type (<c>ModelShare</c>: cards stored; <c>ModelEmbeddedShare</c>: cards embedded). Repos without a README
/// have no card. What is still to fetch, and its ETA at the Hub's quota, is the crawler's: /api/crawls/cards.
/// </summary>
public sealed record CardCoverage(
    long ModelsWithCard, long ModelCardsEmbedded, double ModelShare, long DatasetsWithCard, long DatasetCardsEmbedded, double DatasetShare,
    double ModelEmbeddedShare, double DatasetEmbeddedShare);

/// <summary>Filters every mode applies; null means "any". <see cref="RepoType"/> is always set (model by default).</summary>
public sealed record SearchFilters(
    RepoType RepoType, string? PipelineTag, string? Library, string? License, string? Author, long? MinDownloads, long? MinLikes,
    DateTimeOffset? CreatedAfter, long? MinParameters, long? MaxParameters)
{
    public static SearchFilters Only(RepoType repoType) => new(repoType, null, null, null, null, null, null, null, null, null);

    /// <summary>True when anything beyond the repo type narrows the results.</summary>
    public bool Narrows => this != Only(RepoType);
}
