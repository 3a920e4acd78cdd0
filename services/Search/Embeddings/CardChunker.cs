using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace HubPlatform.Search.Embeddings;

/// <summary>
/// Splits a model card into texts the model can read whole: paragraphs packed together up to the token
/// window (256 with [CLS] and [SEP]), because the model truncates anything longer and a card's useful
/// sentences are often far below its first screen. A paragraph longer than the window is split at lines,
/// then sentences, then words.
/// </summary>
public sealed partial class CardChunker(WordPieceTokenizer tokenizer, IOptions<EmbeddingOptions> options)
{
    private readonly int _budget = options.Value.MaxTokens - 2;
    private readonly int _maxChunks = Math.Max(1, options.Value.MaxChunksPerCard);
    private readonly bool _keepBoilerplate = options.Value.KeepCardBoilerplate;

    public IReadOnlyList<EmbeddingText> Chunk(string readme)
    {
        var chunks = new List<EmbeddingText>();
        var current = new List<string>();
        var currentTokens = 0;
        foreach (var (piece, tokens) in Pieces(CardText.ToPlainText(readme, _keepBoilerplate)))
        {
            if (current.Count > 0 && currentTokens + tokens > _budget)
            {
                chunks.Add(new EmbeddingText(string.Join("\n\n", current)));
                if (chunks.Count == _maxChunks)
                {
                    return chunks;
                }
                current.Clear();
                currentTokens = 0;
            }
            current.Add(piece);
            currentTokens += tokens;
        }
        if (current.Count > 0)
        {
            chunks.Add(new EmbeddingText(string.Join("\n\n", current)));
        }
        return chunks;
    }

    // WordPiece splits at whitespace before anything else, so the token count of pieces joined by
    // whitespace is the sum of their counts: each piece is counted once.
    private IEnumerable<(string Piece, int Tokens)> Pieces(string text)
    {
        foreach (var paragraph in text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            foreach (var piece in Fit(paragraph, level: 0))
            {
                yield return piece;
            }
        }
    }

    private IEnumerable<(string Piece, int Tokens)> Fit(string text, int level)
    {
        var tokens = tokenizer.CountTokens(text);
        if (tokens <= _budget || level == Splitters.Length)
        {
            // A single word longer than the window is left for the model to truncate.
            yield return (text, tokens);
            yield break;
        }
        foreach (var part in Splitters[level].Split(text).Where(p => !string.IsNullOrWhiteSpace(p)))
        {
            foreach (var piece in Fit(part.Trim(), level + 1))
            {
                yield return piece;
            }
        }
    }

    private static readonly Regex[] Splitters = [Lines(), Sentences(), Words()];

    [GeneratedRegex(@"\n")]
    private static partial Regex Lines();

    [GeneratedRegex(@"(?<=[.!?。])\s+")]
    private static partial Regex Sentences();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Words();
}
