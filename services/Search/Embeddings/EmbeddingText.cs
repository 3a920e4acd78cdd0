using System.Security.Cryptography;
using System.Text;

namespace HubPlatform.Search.Embeddings;

/// <summary>
/// A text to embed and its content hash. The hash is what gets stored next to the vector: equal hashes
/// mean equal vectors, so identical texts are embedded once and a text is embedded again only when it
/// changes. The model name is part of the hash so that changing the model invalidates every vector.
/// </summary>
public sealed record EmbeddingText(string Text)
{
    // Get-only, so that `with { Text = ... }` cannot leave a stale hash behind.
    public string Text { get; } = Text;

    public string Hash { get; } = HashOf(Text);

    public static string HashOf(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(SentenceEmbedder.ModelName + "\n" + text)));
}
