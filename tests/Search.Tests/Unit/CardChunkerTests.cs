using HubPlatform.Tests.Support;
using HubPlatform.Search.Embeddings;
using Microsoft.Extensions.Options;

namespace HubPlatform.Tests.Search.Unit;

public class CardChunkerTests
{
    private readonly WordPieceTokenizer _tokenizer = Embedders.Default.Tokenizer;

    private CardChunker Chunker(int maxChunks = 1000) =>
        new(_tokenizer, Options.Create(new EmbeddingOptions { MaxChunksPerCard = maxChunks }));

    [NeedsSharedDataFact(SharedNeed.Cards)]
    public void Every_chunk_of_every_sample_card_fits_the_models_window()
    {
        var chunker = Chunker();
        var chunks = SampleCards.All.SelectMany(c => chunker.Chunk(c.Readme)).ToArray();

        Assert.True(chunks.Length > SampleCards.All.Count / 2);
        // Only a single "word" longer than the window (a URL or a base64 blob) may exceed it; the model truncates it.
        Assert.All(chunks.Where(c => c.Text.Contains(' ')), c => Assert.InRange(_tokenizer.CountTokens(c.Text), 1, 254));
    }

    [NeedsSharedDataFact(SharedNeed.Cards)]
    public void Loses_no_words_of_a_card()
    {
        var chunker = Chunker();
        foreach (var card in SampleCards.All.Take(300))
        {
            var words = Words(CardText.ToPlainText(card.Readme));
            Assert.Equal(words, chunker.Chunk(card.Readme).SelectMany(c => Words(c.Text)));
        }
    }

    [Fact]
    public void Splits_a_long_card_into_several_chunks_and_keeps_paragraphs_whole()
    {
        var paragraphs = Enumerable.Range(0, 40).Select(i => $"Paragraph {i} explains how the adapter was trained on conversations about topic {i}.")
            .ToArray();
        var chunks = Chunker().Chunk(string.Join("\n\n", paragraphs));

        Assert.InRange(chunks.Count, 3, 10);
        Assert.All(chunks, c => Assert.All(c.Text.Split("\n\n"), p => Assert.Contains(p, paragraphs)));
    }

    [Fact]
    public void Stops_after_the_configured_number_of_chunks()
    {
        var longCard = string.Join("\n\n", Enumerable.Range(0, 500).Select(i => $"Row {i} of a long benchmark table with many numbers 1.0 2.0 3.0."));
        Assert.Equal(4, Chunker(maxChunks: 4).Chunk(longCard).Count);
    }

    [NeedsSharedDataFact(SharedNeed.Cards)]
    public void A_card_with_only_front_matter_has_no_chunks() =>
        Assert.Empty(Chunker().Chunk(SampleCards.Get("Sohaibsoussi/llama-2-7b-miniDoctor").Readme));

    private static string[] Words(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
}
