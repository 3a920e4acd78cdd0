namespace HubPlatform.Tests.Search.Unit;

/// <summary>
/// The uncased BERT tokenizer normalizes as Hugging Face's does (lower case, NFD, accents dropped). That needs
/// ICU: in .NET's globalization-invariant mode normalization silently does nothing and these words were [UNK].
/// </summary>
public class WordPieceTokenizerTests
{
    private const long Unknown = 100; // [UNK] in all-MiniLM-L6-v2's vocab.txt

    [Theory]
    [InlineData("Café naïve résumé", "cafe naive resume")]
    [InlineData("Übersetzung für Zürich", "ubersetzung fur zurich")]
    [InlineData("Asistent în limba română", "asistent in limba romana")]
    public void Reads_accented_words_as_their_letters(string accented, string plain) =>
        Assert.Equal(Ids(plain), Ids(accented));

    [Fact]
    public void Reads_hangul_as_its_jamo_not_as_unknown_words()
    {
        var ids = Ids("한국어 영화 리뷰");
        Assert.DoesNotContain(Unknown, ids);
        Assert.True(ids.Length > 8, $"{ids.Length} pieces for 7 syllables: not decomposed");
    }

    private static long[] Ids(string text)
    {
        var ids = new long[128];
        var count = Embedders.Default.Tokenizer.Encode(text, ids, new long[128]);
        return ids[..count];
    }
}
