using HubPlatform.Search.Embeddings;
using Microsoft.Extensions.Options;

namespace HubPlatform.Tests.Search;

/// <summary>One embedder for all tests: loading the 90 MB model takes a while, and the embedder is thread-safe.</summary>
public static class Embedders
{
    private static readonly Lazy<SentenceEmbedder> Shared = new(() => Create(new EmbeddingOptions()));
    private static readonly Lazy<SentenceEmbedder> SharedFp32 = new(() => Create(new EmbeddingOptions { Precision = EmbeddingPrecision.Fp32 }));

    /// <summary>The service's default: int8 weights on the CPU.</summary>
    public static SentenceEmbedder Default => Shared.Value;

    /// <summary>The model as trained, the reference int8 is held to.</summary>
    public static SentenceEmbedder Fp32 => SharedFp32.Value;

    public static SentenceEmbedder Of(EmbeddingPrecision precision) => precision == EmbeddingPrecision.Fp32 ? Fp32 : Default;

    public static SentenceEmbedder Create(EmbeddingOptions options) => new(Options.Create(options));

    public static float Cosine(float[] a, float[] b) => a.Zip(b, (x, y) => x * y).Sum();
}
