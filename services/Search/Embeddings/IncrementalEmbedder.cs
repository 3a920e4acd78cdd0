namespace HubPlatform.Search.Embeddings;

/// <summary>
/// Embeds only what is new: each distinct text once (many models share a card template or copy their base
/// model's card), and none whose hash already has a stored vector, so re-crawling an unchanged card costs
/// no inference.
/// </summary>
public sealed class IncrementalEmbedder(SentenceEmbedder embedder)
{
    /// <summary>Vectors by <see cref="EmbeddingText.Hash"/> for the texts whose hash is not in <paramref name="storedHashes"/>.</summary>
    public IReadOnlyDictionary<string, float[]> EmbedNew(IEnumerable<EmbeddingText> texts, IReadOnlySet<string>? storedHashes = null)
    {
        var missing = texts
            .Where(t => storedHashes is null || !storedHashes.Contains(t.Hash))
            .DistinctBy(t => t.Hash)
            .ToArray();
        var vectors = embedder.Embed(missing.Select(t => t.Text).ToArray());
        return missing.Select((t, i) => (t.Hash, Vector: vectors[i])).ToDictionary(x => x.Hash, x => x.Vector);
    }
}
