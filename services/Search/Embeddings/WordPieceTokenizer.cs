using System.Buffers;
using System.Text;
using FastBertTokenizer;

namespace HubPlatform.Search.Embeddings;

/// <summary>
/// The uncased BERT WordPiece tokenizer of all-MiniLM-L6-v2 (lower-casing and accent stripping, as its
/// Hugging Face tokenizer does). Safe to use from many threads: encoding writes only to the caller's buffers.
/// </summary>
public sealed class WordPieceTokenizer
{
    private readonly BertTokenizer _tokenizer = new();

    public WordPieceTokenizer(TextReader vocabulary)
    {
        // Accent stripping decomposes text (Unicode NFD) and drops the marks: "café" is read as "cafe", a Hangul
        // syllable as its jamo. In .NET's globalization-invariant mode (or without ICU) normalization silently
        // does nothing, and every such word becomes [UNK]: vectors unlike the model's. Refuse to start instead.
        if ("é".Normalize(NormalizationForm.FormD).Length != 2)
        {
            throw new InvalidOperationException(
                "Unicode normalization is unavailable (.NET runs globalization-invariant, or libicu is missing), so the BERT tokenizer " +
                "would read every accented or Hangul word as [UNK]. Run the embedder with InvariantGlobalization=false and libicu installed.");
        }
        _tokenizer.LoadVocabulary(vocabulary, convertInputToLowercase: true);
    }

    /// <summary>Writes [CLS] tokens [SEP] into <paramref name="inputIds"/>, truncating to its length; returns the token count.</summary>
    public int Encode(string text, Span<long> inputIds, Span<long> attentionMask) =>
        _tokenizer.Encode(text, inputIds, attentionMask);

    /// <summary>The number of word pieces of <paramref name="text"/>, without [CLS] and [SEP] and without truncation.</summary>
    public int CountTokens(string text)
    {
        // Usually a piece covers at least one character, but normalisation can split one character into
        // several (Hangul syllables decompose into jamo), so grow the buffer until nothing was cut off.
        for (var capacity = text.Length + 2; ; capacity *= 2)
        {
            var ids = ArrayPool<long>.Shared.Rent(capacity);
            var mask = ArrayPool<long>.Shared.Rent(capacity);
            try
            {
                var count = Encode(text, ids.AsSpan(0, capacity), mask.AsSpan(0, capacity));
                if (count < capacity)
                {
                    return count - 2;
                }
            }
            finally
            {
                ArrayPool<long>.Shared.Return(ids);
                ArrayPool<long>.Shared.Return(mask);
            }
        }
    }
}
