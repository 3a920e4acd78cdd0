using HubPlatform.Search.Embeddings;
using Microsoft.Extensions.Options;

namespace HubPlatform.Tests.Search;

/// <summary>One embedder for all tests: loading the 90 MB model takes a while, and the embedder is thread-safe.</summary>
public static class Embedders
{
    private static readonly Lazy<SentenceEmbedder> Shared = new(() => Create(new EmbeddingOptions()));

    public static SentenceEmbedder Default => Shared.Value;

    public static SentenceEmbedder Create(EmbeddingOptions options) => new(Options.Create(options));

    public static float Cosine(float[] a, float[] b) => a.Zip(b, (x, y) => x * y).Sum();
}
