namespace HubPlatform.Search.Embeddings;

/// <summary>Where ONNX Runtime runs the model.</summary>
public enum EmbeddingExecutionProvider
{
    Cpu,

    /// <summary>Needs the GPU build of ONNX Runtime and a CUDA device; without them the embedder refuses to start.</summary>
    Cuda,
}

/// <summary>The precision of the model's weight matrices.</summary>
public enum EmbeddingPrecision
{
    /// <summary>The model as trained.</summary>
    Fp32,

    /// <summary>Weights quantized to int8 at start-up (<see cref="Int8Quantization"/>): several times faster on CPUs with VNNI. CPU only.</summary>
    Int8,
}

/// <summary>Settings of the embedding pipeline, bound from <c>Search:Embeddings</c>.</summary>
public sealed class EmbeddingOptions
{
    public const string Section = "Search:Embeddings";

    public EmbeddingExecutionProvider ExecutionProvider { get; set; } = EmbeddingExecutionProvider.Cpu;

    public int CudaDeviceId { get; set; }

    /// <summary>Int8 on the CPU (the default); the CUDA provider always runs the fp32 model.</summary>
    public EmbeddingPrecision Precision { get; set; } = EmbeddingPrecision.Int8;

    /// <summary>
    /// Int8 also quantizes each layer's feed-forward output matrix (1536 → 384, the tallest): its input, after GELU,
    /// carries the activation outliers one per-run scale fits worst. Off (the default) keeps those six in fp32, a third
    /// of the weight arithmetic: half the distance to fp32's vectors and no loss on the relevance set, at 203 texts/s
    /// against 326 for all-int8 (docs/BENCHMARKS.md, section 3); on is the choice where speed matters more.
    /// </summary>
    public bool QuantizeFeedForwardOutput { get; set; }

    /// <summary>Texts per ONNX run. Larger batches amortise the call, but every text is padded to the longest in its batch.</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>
    /// Tokens per text including [CLS] and [SEP]. all-MiniLM-L6-v2 was trained with 256 (its
    /// sentence-transformers max_seq_length); longer input is truncated, as sentence-transformers does.
    /// </summary>
    public int MaxTokens { get; set; } = 256;

    /// <summary>Threads ONNX Runtime uses inside one run; 0 keeps its default (one per core).</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>
    /// The nice value (Linux CPU priority, 1 to 19) the embedding backlog's inference runs at, on its own threads: any
    /// thread answering a request at normal priority takes the cores from it. 19, the lowest, by default; 0 runs it
    /// at normal priority. Query embeddings always run at the request's priority. Other systems get the lowest
    /// managed thread priority instead.
    /// </summary>
    public int BacklogNice { get; set; } = 19;

    /// <summary>Embeds a card's template and trainer machinery too (hyperparameters, framework versions, placeholders); off by default.</summary>
    public bool KeepCardBoilerplate { get; set; }

    /// <summary>A card longer than this many chunks is cut: the tail of huge cards is mostly tables, logs and citations.</summary>
    public int MaxChunksPerCard { get; set; } = 16;

    /// <summary>
    /// How long after the last listing page (ModelsObserved, DatasetsObserved) inference waits, so a crawl's
    /// ingest gets the cores; zero embeds alongside ingest. Inference also waits from a crawl's SnapshotStarted to
    /// its SnapshotCompleted (see <see cref="CrawlSilence"/>).
    /// </summary>
    public TimeSpan IngestLull { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// A crawl announced but not completed holds inference only this long after its last sign of life (its
    /// start or a listing page): a crawler that died mid-crawl does not hold the embeddings back for good.
    /// </summary>
    public TimeSpan CrawlSilence { get; set; } = TimeSpan.FromMinutes(30);
}
