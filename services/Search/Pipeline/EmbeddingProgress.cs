using System.Diagnostics.Metrics;
using HubPlatform.Search.Index;

namespace HubPlatform.Search.Pipeline;

/// <summary>
/// How far the embedding pipeline is, for /api/search/status and as OpenTelemetry metrics: texts waiting
/// for a vector (the backlog), texts embedded and vectors indexed by this replica.
/// </summary>
public sealed class EmbeddingProgress
{
    private static readonly Counter<long> Embedded = HubTelemetry.Meter.CreateCounter<long>(
        "hub.search.texts_embedded", unit: "{text}", description: "Distinct texts embedded by this replica");
    private static readonly Counter<long> Indexed = HubTelemetry.Meter.CreateCounter<long>(
        "hub.search.vectors_indexed", unit: "{vector}", description: "Vectors added to or replaced in this replica's index");
    private static readonly Counter<long> Repaired = HubTelemetry.Meter.CreateCounter<long>(
        "hub.search.vectors_repaired", unit: "{vector}", description: "Vectors the comparison with the database added, replaced or removed");

    /// <summary>The window the embedding rate is measured over, for the backlog's ETA.</summary>
    private static readonly TimeSpan RateWindow = TimeSpan.FromMinutes(1);

    private readonly Queue<(DateTimeOffset At, int Texts)> _recent = new();
    private long _backlog;
    private long _embedded;
    private long _indexed;

    public EmbeddingProgress(VectorIndex index, IndexState state)
    {
        HubTelemetry.Meter.CreateObservableGauge("hub.search.embedding_backlog", () => Backlog,
            unit: "{text}", description: "Distinct texts (document texts and card chunks) still without a vector");
        HubTelemetry.Meter.CreateObservableGauge<long>("hub.search.index_size", () => SizeOf(index),
            unit: "{vector}", description: "Vectors in this replica's index");
        HubTelemetry.Meter.CreateObservableGauge("hub.search.index_watermark", () => state.Watermark,
            description: "Highest vector version this replica's index has read");
    }

    // The meter outlives a stopped host (tests start several in one process); a disposed index reports nothing.
    private static Measurement<long>[] SizeOf(VectorIndex index)
    {
        try { return [new Measurement<long>(index.Count)]; }
        catch (ObjectDisposedException) { return []; }
    }

    public long Backlog => Interlocked.Read(ref _backlog);

    public long EmbeddedSinceStart => Interlocked.Read(ref _embedded);

    public long IndexedSinceStart => Interlocked.Read(ref _indexed);

    public DateTimeOffset? LastEmbeddedAt { get; private set; }

    public void SetBacklog(long texts) => Interlocked.Exchange(ref _backlog, texts);

    public void AddEmbedded(int texts)
    {
        Interlocked.Add(ref _embedded, texts);
        Embedded.Add(texts);
        LastEmbeddedAt = DateTimeOffset.UtcNow;
        lock (_recent)
        {
            _recent.Enqueue((LastEmbeddedAt.Value, texts));
        }
    }

    /// <summary>
    /// Texts embedded per second over the last minute (the batches after the window's first, over the time
    /// since it), or null with fewer than two batches in it: the rate the backlog's ETA is worked out at.
    /// </summary>
    public double? TextsPerSecond()
    {
        lock (_recent)
        {
            var now = DateTimeOffset.UtcNow;
            while (_recent.Count > 0 && now - _recent.Peek().At > RateWindow)
            {
                _recent.Dequeue();
            }
            if (_recent.Count < 2)
            {
                return null;
            }
            var first = _recent.Peek();
            var seconds = (now - first.At).TotalSeconds;
            return seconds > 0 ? (_recent.Sum(r => r.Texts) - first.Texts) / seconds : null;
        }
    }

    public void AddIndexed(int vectors)
    {
        Interlocked.Add(ref _indexed, vectors);
        Indexed.Add(vectors);
    }

    public void AddRepaired(int vectors) => Repaired.Add(vectors);
}
