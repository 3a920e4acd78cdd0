using HubPlatform.Search.Embeddings;

namespace HubPlatform.Tests.Search.Unit;

public class IncrementalEmbedderTests
{
    private readonly IncrementalEmbedder _embedder = new(Embedders.Default);

    [Fact]
    public void Hash_depends_only_on_the_text()
    {
        Assert.Equal(new EmbeddingText("A card.").Hash, new EmbeddingText("A card.").Hash);
        Assert.NotEqual(new EmbeddingText("A card.").Hash, new EmbeddingText("A card!").Hash);
        Assert.Matches("^[0-9a-f]{64}$", new EmbeddingText("").Hash);
    }

    [Fact]
    public void Embeds_identical_texts_once()
    {
        EmbeddingText[] texts = [new("This model is a fine-tuned version of microsoft/phi-2."), new("Trained with TRL."),
            new("This model is a fine-tuned version of microsoft/phi-2.")];

        var vectors = _embedder.EmbedNew(texts);

        Assert.Equal(new[] { texts[0].Hash, texts[1].Hash }.Order(), vectors.Keys.Order());
        Assert.InRange(Embedders.Cosine(vectors[texts[1].Hash], Embedders.Default.Embed(texts[1].Text)), 0.99999f, 1.00001f);
    }

    [Fact]
    public void Embeds_only_texts_whose_hash_is_not_stored_yet()
    {
        var unchanged = new EmbeddingText("A Korean chat model fine-tuned from Llama 2.");
        var changed = new EmbeddingText("A Korean chat model fine-tuned from Llama 2, now with a longer description.");
        var stored = new HashSet<string> { unchanged.Hash };

        var vectors = _embedder.EmbedNew([unchanged, changed], stored);

        Assert.Equal([changed.Hash], vectors.Keys);
        Assert.Empty(_embedder.EmbedNew([unchanged], stored));
    }
}
