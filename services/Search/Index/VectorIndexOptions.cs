using Cloud.Unum.USearch;

namespace HubPlatform.Search.Index;

/// <summary>Settings of the approximate nearest neighbour index, bound from <c>Search:Embeddings:Index</c>.</summary>
public sealed class VectorIndexOptions
{
    public const string Section = "Search:Embeddings:Index";

    /// <summary>
    /// Where the index is saved and loaded from, so a restart does not rebuild it; none keeps it in memory
    /// only. Each replica needs its own file: <c>{replica}</c> in the path becomes the machine name.
    /// </summary>
    public string? Path { get; set; }

    public string? ResolvedPath =>
        string.IsNullOrWhiteSpace(Path) ? null : Path.Replace("{replica}", Environment.MachineName, StringComparison.Ordinal);

    /// <summary>HNSW edges per node (M). More edges: better recall, more memory, slower inserts.</summary>
    public int Connectivity { get; set; } = 16;

    /// <summary>Candidates considered when linking a new vector (efConstruction); the main cost of building.</summary>
    public int ExpansionAdd { get; set; } = 64;

    /// <summary>Candidates considered per query (ef); raised to k when k is larger.</summary>
    public int ExpansionSearch { get; set; } = 64;

    /// <summary>
    /// How vectors are stored. Half precision halves memory and speeds up distances; for unit vectors its
    /// error (about 1e-3) is far below the gaps between neighbours' similarities.
    /// </summary>
    public ScalarKind Quantization { get; set; } = ScalarKind.Float16;
}
