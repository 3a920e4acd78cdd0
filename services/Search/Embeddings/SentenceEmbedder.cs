using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using SessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace HubPlatform.Search.Embeddings;

/// <summary>
/// Sentence embeddings of sentence-transformers/all-MiniLM-L6-v2, computed the way sentence-transformers
/// computes them (WordPiece, BERT, mean pooling over the attention mask, L2 normalisation), so vectors
/// match the Python reference and cosine similarity is a dot product. One instance serves all threads:
/// ONNX Runtime sessions accept concurrent runs and the tokenizer keeps no per-call state.
/// </summary>
public sealed class SentenceEmbedder : IDisposable
{
    public const string ModelName = "sentence-transformers/all-MiniLM-L6-v2";
    public const int Dimensions = 384;

    private static readonly string[] InputNames = ["input_ids", "attention_mask", "token_type_ids"];
    private static readonly string[] OutputNames = ["last_hidden_state"];

    private readonly InferenceSession _session;
    private readonly int _maxTokens;
    private readonly int _batchSize;
    private readonly int _parallelRuns;

    public SentenceEmbedder(IOptions<EmbeddingOptions> options)
    {
        var settings = options.Value;
        if (settings.MaxTokens is < 3 or > 512)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "MaxTokens is between 3 and 512 (BERT's position embeddings).");
        }
        _maxTokens = settings.MaxTokens;
        _batchSize = Math.Max(1, settings.BatchSize);
        using (var vocabulary = MiniLmModelFiles.OpenVocabulary())
        {
            Tokenizer = new WordPieceTokenizer(vocabulary);
        }
        using var sessionOptions = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        // The int8 operators are ONNX Runtime's CPU kernels: a CUDA host runs the model as trained.
        Precision = settings.ExecutionProvider == EmbeddingExecutionProvider.Cpu ? settings.Precision : EmbeddingPrecision.Fp32;
        // Int8 runs one text per run, one run per core (see Embed), so each run gets one thread unless configured.
        if (settings.IntraOpThreads > 0 || Precision == EmbeddingPrecision.Int8)
        {
            sessionOptions.IntraOpNumThreads = settings.IntraOpThreads > 0 ? settings.IntraOpThreads : 1;
        }
        // ONNX Runtime's default (0) is one thread per physical core: a pool unless that is one.
        HasIntraOpPool = sessionOptions.IntraOpNumThreads != 1;
        _parallelRuns = Precision == EmbeddingPrecision.Int8 ? Environment.ProcessorCount : 1;
        ExecutionProvider = OnnxExecutionProviders.Append(sessionOptions, settings);
        var model = MiniLmModelFiles.ReadModel();
        _session = new InferenceSession(
            Precision == EmbeddingPrecision.Int8 ? Int8Quantization.Quantize(model, settings.QuantizeFeedForwardOutput).Model : model,
            sessionOptions);
    }

    public WordPieceTokenizer Tokenizer { get; }

    /// <summary>The provider in use (the configured one: an unavailable provider stops the service at start).</summary>
    public EmbeddingExecutionProvider ExecutionProvider { get; }

    public EmbeddingPrecision Precision { get; }

    /// <summary>
    /// Whether runs use ONNX Runtime's own intra-op threads besides the calling one. That pool is made with the
    /// session, by the thread creating it, and on Linux its threads keep that thread's priority for good.
    /// </summary>
    public bool HasIntraOpPool { get; }

    public float[] Embed(string text) => Embed([text])[0];

    /// <summary>One normalised float[384] per text, in the order given.</summary>
    public float[][] Embed(IReadOnlyList<string> texts) => Embed(texts, TaskScheduler.Default);

    /// <summary>
    /// As <see cref="Embed(IReadOnlyList{string})"/>, with int8's parallel runs (one text each) on
    /// <paramref name="scheduler"/>'s threads besides the calling one.
    /// </summary>
    public float[][] Embed(IReadOnlyList<string> texts, TaskScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(scheduler);
        var tokenized = new long[texts.Count][];
        for (var i = 0; i < texts.Count; i++)
        {
            tokenized[i] = Tokenize(texts[i] ?? "");
        }
        var vectors = new float[texts.Count][];
        if (Precision == EmbeddingPrecision.Int8)
        {
            // Int8 quantizes a run's activations with one scale for the whole run, so texts batched together
            // (and their padding) would change each other's vectors. One text per run keeps a text's vector
            // its own, wastes nothing on padding, and runs on every core at once.
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = _parallelRuns, TaskScheduler = scheduler };
            Parallel.For(0, texts.Count, parallel, i => EmbedBatch([i], tokenized, vectors));
            return vectors;
        }
        // Batching texts of similar length keeps padding (wasted compute) small, as sentence-transformers does.
        var byLength = Enumerable.Range(0, texts.Count).OrderBy(i => tokenized[i].Length).ToArray();
        foreach (var batch in byLength.Chunk(_batchSize))
        {
            EmbedBatch(batch, tokenized, vectors);
        }
        return vectors;
    }

    private long[] Tokenize(string text)
    {
        Span<long> ids = stackalloc long[_maxTokens];
        Span<long> mask = stackalloc long[_maxTokens];
        var count = Tokenizer.Encode(text, ids, mask);
        return ids[..count].ToArray();
    }

    private void EmbedBatch(int[] batch, long[][] tokenized, float[][] vectors)
    {
        // Pad to the longest text of this batch only; padding positions get attention 0 and id 0 ([PAD]).
        var length = batch.Max(i => tokenized[i].Length);
        var inputIds = new long[batch.Length * length];
        var attentionMask = new long[batch.Length * length];
        for (var row = 0; row < batch.Length; row++)
        {
            var tokens = tokenized[batch[row]];
            tokens.CopyTo(inputIds, row * length);
            attentionMask.AsSpan(row * length, tokens.Length).Fill(1);
        }
        long[] shape = [batch.Length, length];
        using var ids = OrtValue.CreateTensorValueFromMemory(inputIds, shape);
        using var mask = OrtValue.CreateTensorValueFromMemory(attentionMask, shape);
        using var tokenTypes = OrtValue.CreateTensorValueFromMemory(new long[inputIds.Length], shape);
        using var runOptions = new RunOptions();
        using var outputs = _session.Run(runOptions, InputNames, [ids, mask, tokenTypes], OutputNames);
        var hidden = outputs[0].GetTensorDataAsSpan<float>();
        for (var row = 0; row < batch.Length; row++)
        {
            vectors[batch[row]] = MeanPool(hidden.Slice(row * length * Dimensions, length * Dimensions), tokenized[batch[row]].Length);
        }
    }

    // Padding is always at the end, so averaging the first `tokens` rows is mean pooling over the attention mask.
    private static float[] MeanPool(ReadOnlySpan<float> tokenStates, int tokens)
    {
        var vector = new float[Dimensions];
        for (var t = 0; t < tokens; t++)
        {
            var state = tokenStates.Slice(t * Dimensions, Dimensions);
            for (var d = 0; d < Dimensions; d++)
            {
                vector[d] += state[d];
            }
        }
        // Dividing by the token count before normalising would not change the direction, so normalise directly.
        var norm = MathF.Sqrt(vector.Sum(x => x * x));
        var scale = norm > 1e-12f ? 1f / norm : 0f;
        for (var d = 0; d < Dimensions; d++)
        {
            vector[d] *= scale;
        }
        return vector;
    }

    public void Dispose() => _session.Dispose();
}
