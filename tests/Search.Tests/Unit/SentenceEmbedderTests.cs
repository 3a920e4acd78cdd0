using System.Diagnostics;
using HubPlatform.Search.Embeddings;
using HubPlatform.Tests.Support;
using Xunit.Abstractions;

namespace HubPlatform.Tests.Search.Unit;

public class SentenceEmbedderTests(ITestOutputHelper output)
{
    private readonly SentenceEmbedder _embedder = Embedders.Default;

    // The reference numbers are those printed by sentence-transformers for all-MiniLM-L6-v2 in its usage
    // documentation (https://sbert.net/docs/sentence_transformer/usage/usage.html, "model.similarity"):
    // tensor([[1.0000, 0.6660, 0.1046], [0.6660, 1.0000, 0.1411], [0.1046, 0.1411, 1.0000]]).
    [Theory]
    [InlineData("The weather is lovely today.", "It's so sunny outside!", 0.6660)]
    [InlineData("The weather is lovely today.", "He drove to the stadium.", 0.1046)]
    [InlineData("It's so sunny outside!", "He drove to the stadium.", 0.1411)]
    public void Matches_the_published_sentence_transformers_similarities(string a, string b, double expected)
    {
        var vectors = Embedders.Fp32.Embed([a, b]);
        // Printed with four decimals; ONNX vs PyTorch kernels differ in the sixth.
        Assert.InRange(Embedders.Cosine(vectors[0], vectors[1]), expected - 0.0006, expected + 0.0006);
        // Int8 weights and activations move a similarity by a few hundredths, never its order (next test).
        var int8 = Embedders.Default.Embed([a, b]);
        Assert.InRange(Embedders.Cosine(int8[0], int8[1]), expected - 0.03, expected + 0.03);
    }

    [Fact]
    public void Int8_keeps_the_order_of_the_published_similarities_and_the_direction_of_each_vector()
    {
        string[] texts = ["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."];
        var fp32 = Embedders.Fp32.Embed(texts);
        var int8 = Embedders.Default.Embed(texts);
        Assert.Equal(EmbeddingPrecision.Int8, Embedders.Default.Precision);
        Assert.True(Embedders.Cosine(int8[0], int8[1]) > Embedders.Cosine(int8[1], int8[2]));
        Assert.True(Embedders.Cosine(int8[1], int8[2]) > Embedders.Cosine(int8[0], int8[2]));
        Assert.All(texts.Select((_, i) => Embedders.Cosine(fp32[i], int8[i])), c => Assert.InRange(c, 0.98f, 1.00001f));
    }

    [Fact]
    public void Gives_unit_vectors_of_384_dimensions()
    {
        foreach (var vector in _embedder.Embed(["A", "", "Fine-tuned Llama 2 for medical question answering.", new string('x', 5000)]))
        {
            Assert.Equal(384, vector.Length);
            Assert.InRange(MathF.Sqrt(vector.Sum(x => x * x)), 0.9999f, 1.0001f);
        }
    }

    [Theory]
    [InlineData(EmbeddingPrecision.Fp32)]
    [InlineData(EmbeddingPrecision.Int8)]
    public void Padding_in_a_batch_does_not_change_a_vector(EmbeddingPrecision precision)
    {
        var embedder = Embedders.Of(precision);
        string[] texts = ["Short.", "A much longer sentence about fine-tuning a base model with LoRA adapters on a chat dataset.",
            "Medium length text here."];
        var batched = embedder.Embed(texts);
        for (var i = 0; i < texts.Length; i++)
        {
            var alone = embedder.Embed(texts[i]);
            Assert.InRange(Embedders.Cosine(alone, batched[i]), 0.99999f, 1.00001f);
        }
    }

    [Fact]
    public void Reads_at_most_256_tokens_as_the_model_was_trained()
    {
        var words = string.Join(' ', Enumerable.Range(0, 300).Select(i => $"word{i % 17}"));
        var longer = words + " and an entirely different ending about astronomy and telescopes";
        Assert.True(_embedder.Tokenizer.CountTokens(words) > 256);
        Assert.InRange(Embedders.Cosine(_embedder.Embed(words), _embedder.Embed(longer)), 0.99999f, 1.00001f);
    }

    [Theory]
    [InlineData(EmbeddingPrecision.Fp32)]
    [InlineData(EmbeddingPrecision.Int8)]
    public void Gives_the_same_vectors_from_many_threads(EmbeddingPrecision precision)
    {
        var embedder = Embedders.Of(precision);
        var texts = SampleData.SampleModels.Take(64).Select(m => m.GetProperty("id").GetString()!.Replace('/', ' ')).ToArray();
        var sequential = embedder.Embed(texts);
        var parallel = new float[texts.Length][];
        Parallel.For(0, texts.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => parallel[i] = embedder.Embed(texts[i]));
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.InRange(Embedders.Cosine(sequential[i], parallel[i]), 0.99999f, 1.00001f);
        }
    }

    [Fact]
    public void Refuses_cuda_where_this_onnx_runtime_has_none_instead_of_running_on_cpu_silently()
    {
        // The CPU build of ONNX Runtime is referenced; a GPU host swaps in Microsoft.ML.OnnxRuntime.Gpu.
        var error = Assert.Throws<InvalidOperationException>(() =>
            Embedders.Create(new EmbeddingOptions { ExecutionProvider = EmbeddingExecutionProvider.Cuda }));
        Assert.Contains("ExecutionProvider is cuda", error.Message);
        Assert.Contains("CPUExecutionProvider", error.Message);
    }

    [Fact]
    public void Quantizes_every_weight_matrix_and_no_product_of_two_activations()
    {
        var fp32 = MiniLmModelFiles.ReadModel();
        var (model, quantized) = Int8Quantization.Quantize(fp32);
        // Six layers, each with Q, K, V, the attention output and the two feed-forward matrices: 10.6M weights,
        // whose 4 bytes each become 1 (the word embeddings stay fp32).
        Assert.Equal(6 * 6, quantized);
        Assert.InRange(fp32.Length - model.Length, 31_000_000, 32_500_000);
    }

    [Fact]
    public void Can_leave_the_feed_forward_output_matrices_in_fp32()
    {
        var fp32 = MiniLmModelFiles.ReadModel();
        var (all, _) = Int8Quantization.Quantize(fp32);
        var (mixed, quantized) = Int8Quantization.Quantize(fp32, feedForwardOutput: false);
        // One 1536 x 384 matrix a layer stays: 590k weights of 4 bytes instead of 1, six times.
        Assert.Equal(6 * 5, quantized);
        Assert.InRange(mixed.Length - all.Length, 6 * 1536 * 384 * 3 - 100_000, 6 * 1536 * 384 * 3 + 100_000);
    }

    [NeedsSharedDataFact(SharedNeed.Cards)]
    public void Embeds_real_card_chunks()
    {
        var chunker = new CardChunker(_embedder.Tokenizer, Microsoft.Extensions.Options.Options.Create(new EmbeddingOptions()));
        var chunks = SampleCards.All.Take(100).SelectMany(c => chunker.Chunk(c.Readme)).Select(c => c.Text).ToArray();
        var clock = Stopwatch.StartNew();
        var vectors = _embedder.Embed(chunks);
        clock.Stop();
        Assert.Equal(chunks.Length, vectors.Length);
        Assert.All(vectors, v => Assert.InRange(MathF.Sqrt(v.Sum(x => x * x)), 0.9999f, 1.0001f));
        // Information only: this machine is shared, so no assertion on time.
        output.WriteLine($"{chunks.Length} chunks of 100 cards in {clock.Elapsed.TotalSeconds:F1} s: " +
                         $"{chunks.Length / clock.Elapsed.TotalSeconds:F1} texts/s");

        var queries = SampleData.SampleModels.Select(m => m.GetProperty("id").GetString()!.Replace('/', ' ').Replace('-', ' ')).ToArray();
        clock.Restart();
        Assert.Equal(queries.Length, _embedder.Embed(queries).Length);
        output.WriteLine($"{queries.Length} query-length texts (model ids) in {clock.Elapsed.TotalSeconds:F1} s: " +
                         $"{queries.Length / clock.Elapsed.TotalSeconds:F0} texts/s");
    }
}
