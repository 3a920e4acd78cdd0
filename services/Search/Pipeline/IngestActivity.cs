using HubPlatform.Search.Embeddings;
using Microsoft.Extensions.Options;

namespace HubPlatform.Search.Pipeline;

/// <summary>
/// Whether a crawl's listing pages are arriving. Inference (ONNX, on every core) competes with storing them:
/// in the bench's ingest, search used 42 % of all CPU, nearly all of it the embedding worker, not the
/// consumers' one set-based upsert per page. So the worker holds inference while a crawl runs: from its
/// SnapshotStarted to its SnapshotCompleted (search stores no Spaces, so their phase, minutes at 1M models,
/// would otherwise look like a lull while metrics still ingests them), and for <see cref="EmbeddingOptions.IngestLull"/>
/// after the last listing page. A crawl that never completes (its crawler died) holds it at most
/// <see cref="EmbeddingOptions.CrawlSilence"/> after its last sign of life. The index keeps syncing meanwhile.
/// Cards do not count: they arrive continuously while a hub's cards are fetched, and would starve inference.
/// </summary>
public sealed class IngestActivity(TimeProvider time, IOptions<EmbeddingOptions> options)
{
    private const int RememberedCompletions = 100;
    private readonly Lock _lock = new();
    private readonly HashSet<Guid> _running = [];
    private readonly Queue<Guid> _completed = new();
    private long _lastPage = long.MinValue;
    private long _lastCrawlSign = long.MinValue;

    public void PageStored()
    {
        var now = time.GetUtcNow().UtcTicks;
        Interlocked.Exchange(ref _lastPage, now);
        Interlocked.Exchange(ref _lastCrawlSign, now);
    }

    /// <summary>A crawl began (SnapshotStarted); a redelivered start of a crawl seen completing is ignored.</summary>
    public void CrawlStarted(Guid snapshotId)
    {
        lock (_lock)
        {
            if (!_completed.Contains(snapshotId) && _running.Add(snapshotId))
            {
                Interlocked.Exchange(ref _lastCrawlSign, time.GetUtcNow().UtcTicks);
            }
        }
    }

    /// <summary>A crawl ended (SnapshotCompleted): its pages are all sent, the lull after the last one still applies.</summary>
    public void CrawlCompleted(Guid snapshotId)
    {
        lock (_lock)
        {
            _running.Remove(snapshotId);
            if (!_completed.Contains(snapshotId))
            {
                _completed.Enqueue(snapshotId);
                if (_completed.Count > RememberedCompletions)
                {
                    _completed.Dequeue();
                }
            }
        }
    }

    public bool IsBusy
    {
        get
        {
            if (options.Value.IngestLull <= TimeSpan.Zero)
            {
                return false;
            }
            var now = time.GetUtcNow().UtcTicks;
            var lastPage = Interlocked.Read(ref _lastPage);
            if (lastPage != long.MinValue && now - lastPage < options.Value.IngestLull.Ticks)
            {
                return true;
            }
            bool crawling;
            lock (_lock)
            {
                crawling = _running.Count > 0;
            }
            return crawling && now - Interlocked.Read(ref _lastCrawlSign) < options.Value.CrawlSilence.Ticks;
        }
    }
}
