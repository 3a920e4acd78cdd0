using System.Diagnostics.Metrics;
using HubPlatform.Search.Embeddings;
using HubPlatform.Search.Index;
using HubPlatform.Search.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Search.Pipeline;

/// <summary>
/// Off the consumers' hot path: embeds texts that have no vector yet (each distinct text once,
/// in batches), stores the vectors in the search schema, and keeps this replica's ANN index in
/// step with every document whose vector changed (by the documents' vector_version, so vectors
/// embedded by another replica arrive here too). A restart re-reads vectors, it never re-embeds.
/// </summary>
public sealed class EmbeddingWorker(
    IServiceScopeFactory scopes,
    SentenceEmbedder embedder,
    VectorIndex index,
    IndexWatermark watermark,
    ResponseCache cache,
    ILogger<EmbeddingWorker> logger) : BackgroundService
{
    private const int EmbedBatch = 64;
    private const int IndexBatch = 5_000;
    // Versions come from a sequence but commit in any order: a row may appear below the watermark
    // after it moved on. A periodic sweep re-reads the last stretch of versions and adds the
    // documents the index lacks. (A late-committed *changed* text keeps its old vector until it
    // changes again: rare, and noted as open.)
    private const long SweepVersions = 20_000;
    private static readonly TimeSpan SweepEvery = TimeSpan.FromSeconds(30);
    private DateTime _lastSweep = DateTime.MinValue;
    private static readonly Counter<long> Embedded = HubTelemetry.Meter.CreateCounter<long>("hub.search.texts_embedded");
    private long _backlog;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        HubTelemetry.Meter.CreateObservableGauge("hub.search.embedding_backlog", () => Interlocked.Read(ref _backlog));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var embedded = await EmbedMissingAsync(stoppingToken);
                var indexed = await SyncIndexAsync(stoppingToken);
                if (embedded == 0 && indexed == 0)
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Embedding pipeline step failed; retrying");
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            }
        }
    }

    public async Task<int> EmbedMissingAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SearchDbContext>();
        var missing = db.Documents.Where(d => !db.Embeddings.Any(e => e.TextHash == d.TextHash)).Select(d => new { d.TextHash, d.EmbeddingText });
        var batch = await missing.GroupBy(d => d.TextHash).Select(g => g.First()).Take(EmbedBatch).ToListAsync(cancellationToken);
        if (batch.Count == 0)
        {
            Interlocked.Exchange(ref _backlog, 0);
            return 0;
        }
        var vectors = embedder.Embed(batch.Select(b => b.EmbeddingText).ToArray());
        var now = DateTimeOffset.UtcNow;
        var hashes = batch.Select(b => b.TextHash).ToArray();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        for (var i = 0; i < batch.Count; i++)
        {
            await db.Database.ExecuteSqlAsync(
                $"INSERT INTO search.embeddings (text_hash, vector, created_at) VALUES ({hashes[i]}, {vectors[i]}, {now}) ON CONFLICT DO NOTHING",
                cancellationToken);
        }
        await db.Database.ExecuteSqlAsync(
            $"UPDATE search.documents SET vector_version = nextval('search.vector_versions') WHERE text_hash = ANY({hashes})", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        Embedded.Add(batch.Count);
        var backlog = await missing.Select(d => d.TextHash).Distinct().LongCountAsync(cancellationToken);
        Interlocked.Exchange(ref _backlog, backlog);
        logger.LogInformation("Embedded {Texts} texts; {Backlog} waiting", batch.Count, backlog);
        return batch.Count;
    }

    public async Task<int> SyncIndexAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SearchDbContext>();
        var since = watermark.Value;
        var sweep = DateTime.UtcNow - _lastSweep > SweepEvery;
        if (sweep)
        {
            _lastSweep = DateTime.UtcNow;
            await SweepAsync(db, since, cancellationToken);
        }
        var changed = await db.Documents
            .Where(d => d.VectorVersion > since)
            .Join(db.Embeddings, d => d.TextHash, e => e.TextHash, (d, e) => new { d.Key, d.VectorVersion, e.Vector })
            .OrderBy(x => x.VectorVersion)
            .Take(IndexBatch)
            .ToListAsync(cancellationToken);
        if (changed.Count == 0)
        {
            return 0;
        }
        index.Upsert(changed.Select(c => KeyValuePair.Create((ulong)c.Key, c.Vector)).ToArray());
        watermark.Value = changed[^1].VectorVersion;
        // Cached results were computed without these vectors.
        await cache.InvalidateAllAsync();
        return changed.Count;
    }

    private async Task SweepAsync(SearchDbContext db, long since, CancellationToken cancellationToken)
    {
        var from = since - SweepVersions;
        var recent = await db.Documents
            .Where(d => d.VectorVersion > from && d.VectorVersion <= since)
            .Join(db.Embeddings, d => d.TextHash, e => e.TextHash, (d, e) => new { d.Key, e.Vector })
            .ToListAsync(cancellationToken);
        var missing = recent.Where(r => !index.Contains((ulong)r.Key)).Select(r => KeyValuePair.Create((ulong)r.Key, r.Vector)).ToArray();
        if (missing.Length > 0)
        {
            index.Upsert(missing);
            await cache.InvalidateAllAsync();
            logger.LogInformation("Index sweep: {Vectors} vectors committed late were added", missing.Length);
        }
    }
}

/// <summary>The highest vector_version this replica's index holds; zero at start, so a new replica indexes everything.</summary>
public sealed class IndexWatermark
{
    public long Value { get; set; }
}
