using HubPlatform.Search.Embeddings;
using Microsoft.Extensions.Options;

namespace HubPlatform.Search.Pipeline;

/// <summary>
/// The embedding backlog's inference, at the lowest CPU priority (<see cref="EmbeddingOptions.BacklogNice"/>): a
/// backlog of hundreds of thousands of texts keeps the cores busy for hours, and the answers users wait for
/// (query embeddings included, which stay on the request's thread at normal priority) must not queue behind it.
/// The int8 model runs each text on the calling thread, so the low-priority threads share the query path's
/// session. A session with intra-op threads runs on ONNX Runtime's pool, whose threads keep the priority of the
/// thread that created the session: the backlog then gets a session of its own, created on a low-priority thread
/// when it first embeds (a second copy of the model in memory: the price of that configuration only).
/// </summary>
public sealed class BacklogEmbedder : IDisposable
{
    private readonly SentenceEmbedder _shared;
    private readonly LowPriorityScheduler? _scheduler;
    private readonly Lazy<SentenceEmbedder>? _own;

    public BacklogEmbedder(SentenceEmbedder shared, IOptions<EmbeddingOptions> options, ILogger<BacklogEmbedder> logger)
    {
        _shared = shared;
        var nice = options.Value.BacklogNice;
        if (nice is < 0 or > 19)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"{EmbeddingOptions.Section}:BacklogNice is 0 (off) to 19, not {nice}.");
        }
        if (nice == 0)
        {
            return;
        }
        _scheduler = new LowPriorityScheduler(Environment.ProcessorCount, nice, "Embedding backlog");
        if (_scheduler.PriorityError != 0)
        {
            logger.BacklogPriorityRefused(nice, _scheduler.PriorityError);
        }
        if (shared.ExecutionProvider == EmbeddingExecutionProvider.Cpu && shared.HasIntraOpPool)
        {
            _own = new(() => new SentenceEmbedder(options));
        }
        logger.BacklogPriority(nice, _scheduler.MaximumConcurrencyLevel, _own is not null);
    }

    /// <summary>One normalised vector per text, computed on the backlog's threads while the caller waits.</summary>
    public float[][] Embed(IReadOnlyList<string> texts)
    {
        if (_scheduler is null)
        {
            return _shared.Embed(texts);
        }
        // The caller blocks instead of awaiting, as it blocked on inference before: an awaited task would run the caller's
        // continuation on a low-priority thread, or queue it to the thread pool from one, and a pool worker created by a
        // low-priority thread would inherit its nice value for good. The backlog's session is first touched here, on one
        // of the scheduler's threads, so the intra-op pool it creates inherits theirs.
        return Task.Factory.StartNew(
                () => (_own?.Value ?? _shared).Embed(texts, _scheduler), CancellationToken.None, TaskCreationOptions.DenyChildAttach, _scheduler)
            .GetAwaiter().GetResult();
    }

    public void Dispose()
    {
        // The threads first: none may still be running on the session disposed next.
        _scheduler?.Dispose();
        if (_own is { IsValueCreated: true })
        {
            _own.Value.Dispose();
        }
    }
}
