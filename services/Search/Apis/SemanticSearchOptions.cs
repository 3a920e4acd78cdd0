namespace HubPlatform.Search.Apis;

/// <summary>Settings of semantic search, bound from <c>Search:Semantic</c>.</summary>
public sealed class SemanticSearchOptions
{
    public const string Section = "Search:Semantic";

    /// <summary>
    /// The most vectors one query fetches from the approximate index while it widens for a filter that few
    /// repos pass. Without a bound a starved filter widened to every vector: each query as slow as scoring the
    /// whole index. At the bound the answer has what was found and says <c>partial</c>. At 1M models and their
    /// card chunks, 50,000 is a few percent of the index; selective filters (at most
    /// <see cref="SearchApi.ExactScoringLimit"/> texts) never get here, they are scored exactly.
    /// </summary>
    public int MaxCandidates { get; set; } = 50_000;
}
