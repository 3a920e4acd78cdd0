using HubPlatform.Search.Embeddings;
using Microsoft.Extensions.Options;

namespace HubPlatform.Search.Pipeline;

/// <summary>
/// Whether a crawl's listing pages are arriving. Inference (ONNX, on every core) competes with storing them:
/// in the bench's ingest, search used 42 % of all CPU, nearly all of it the embedding worker, not the
/// consumers' one set-based upsert per page. So the worker holds inference while listing pages arrive and
/// resumes <see cref="EmbeddingOptions.IngestLull"/> after the last one; the index keeps syncing meanwhile.
/// Cards do not count: they arrive continuously while a hub's cards are fetched, and would starve inference.
/// </summary>
public sealed class IngestActivity(TimeProvider time, IOptions<EmbeddingOptions> options)
{
    private long _lastPage = long.MinValue;

    public void PageStored() => Interlocked.Exchange(ref _lastPage, time.GetUtcNow().UtcTicks);

    public bool IsBusy
    {
        get
        {
            var last = Interlocked.Read(ref _lastPage);
            return last != long.MinValue && options.Value.IngestLull > TimeSpan.Zero && time.GetUtcNow().UtcTicks - last < options.Value.IngestLull.Ticks;
        }
    }
}
