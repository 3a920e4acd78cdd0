using HubPlatform.Search.Embeddings;
using HubPlatform.Search.Index;
using HubPlatform.Search.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace HubPlatform.Search.Pipeline;

/// <summary>
/// Off the consumers' hot path: embeds texts that have no vector yet (document texts and card chunks,
/// each distinct text once, in batches), stores the vectors in the search schema, and keeps this
/// replica's ANN index in step with every row whose vector changed (by vector_version, so vectors
/// embedded by another replica arrive here too). A restart loads the saved index and its state and
/// reads only what changed since; it never re-embeds.
/// </summary>
public sealed class EmbeddingWorker(
    IServiceScopeFactory scopes,
    SentenceEmbedder embedder,
    VectorIndex index,
    IndexState state,
    EmbeddingProgress progress,
    ResponseCache cache,
    IOptions<VectorIndexOptions> indexOptions,
    ILogger<EmbeddingWorker> logger) : BackgroundService
{
    private const int EmbedBatch = 64;
    private const int IndexBatch = 5_000;
    // Versions come from a sequence but commit in any order: a row may commit below the watermark after
    // it moved on, with a new vector or a changed one. Every replica therefore compares the versions its
    // index holds with the database: often over the last stretch of versions (where late commits land),
    // now and then over everything (which also drops the keys of removed repos and shrunk cards).
    private const long RecentVersions = 20_000;
    private static readonly TimeSpan CompareRecentEvery = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan CompareAllEvery = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan SaveEvery = TimeSpan.FromMinutes(1);
    private DateTime _lastRecentCompare = DateTime.UtcNow;
    private DateTime _lastFullCompare = DateTime.MinValue;
    private DateTime _lastSave = DateTime.UtcNow;
    private bool _unsaved;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var embedded = await EmbedMissingAsync(stoppingToken);
                var indexed = await SyncIndexAsync(stoppingToken);
                if (DateTime.UtcNow - _lastFullCompare > CompareAllEvery)
                {
                    _lastFullCompare = _lastRecentCompare = DateTime.UtcNow;
                    indexed += await CompareWithDatabaseAsync(recentOnly: false, stoppingToken);
                    await CatchUpCardTextAsync(stoppingToken);
                }
                else if (DateTime.UtcNow - _lastRecentCompare > CompareRecentEvery)
                {
                    _lastRecentCompare = DateTime.UtcNow;
                    indexed += await CompareWithDatabaseAsync(recentOnly: true, stoppingToken);
                }
                if (_unsaved && DateTime.UtcNow - _lastSave > SaveEvery)
                {
                    Save();
                }
                if (embedded == 0 && indexed == 0)
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Embedding pipeline step failed; retrying");
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_unsaved)
        {
            Save();
        }
    }

    public async Task<int> EmbedMissingAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SearchDbContext>();
        var batch = await VectorRows.MissingAsync(db, EmbedBatch, cancellationToken);
        if (batch.Count == 0)
        {
            progress.SetBacklog(0);
            return 0;
        }
        var vectors = embedder.Embed(batch.Select(b => b.Text).ToArray());
        var now = DateTimeOffset.UtcNow;
        var hashes = batch.Select(b => b.TextHash).ToArray();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        for (var i = 0; i < batch.Count; i++)
        {
            await db.Database.ExecuteSqlAsync(
                $"INSERT INTO search.embeddings (text_hash, vector, created_at) VALUES ({hashes[i]}, {vectors[i]}, {now}) ON CONFLICT DO NOTHING",
                cancellationToken);
        }
        // Rows read by a replica before this vector existed were skipped; a new version brings them back.
        await db.Database.ExecuteSqlAsync(
            $"UPDATE search.documents SET vector_version = nextval('search.vector_versions') WHERE text_hash = ANY({hashes})", cancellationToken);
        await db.Database.ExecuteSqlAsync(
            $"UPDATE search.chunks SET vector_version = nextval('search.vector_versions') WHERE text_hash = ANY({hashes})", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        progress.AddEmbedded(batch.Count);
        var backlog = await VectorRows.BacklogAsync(db, cancellationToken);
        progress.SetBacklog(backlog);
        logger.LogInformation("Embedded {Texts} texts; {Backlog} waiting", batch.Count, backlog);
        return batch.Count;
    }

    /// <summary>Adds the vectors that changed above the watermark, oldest first, and moves the watermark.</summary>
    public async Task<int> SyncIndexAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SearchDbContext>();
        var changed = await VectorRows.ChangedAsync(db, state.Watermark, IndexBatch, cancellationToken);
        if (changed.Count == 0)
        {
            return 0;
        }
        Apply(changed, advanceWatermark: true);
        progress.AddIndexed(changed.Count);
        // Cached results were computed without these vectors.
        await cache.InvalidateAllAsync();
        return changed.Count;
    }

    /// <summary>
    /// Repairs the index where it disagrees with the database: rows whose version the index does not
    /// hold are (re-)added, and, over everything, keys with no row any more are removed.
    /// </summary>
    public async Task<int> CompareWithDatabaseAsync(bool recentOnly, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SearchDbContext>();
        var watermark = state.Watermark;
        var rows = await VectorRows.VersionsAsync(db, recentOnly ? watermark - RecentVersions : long.MinValue, watermark, cancellationToken);
        var stale = rows.Where(r => state.VersionOf((ulong)r.Key) != r.Version).Select(r => r.Key).ToArray();
        var repaired = 0;
        foreach (var keys in stale.Chunk(IndexBatch))
        {
            var vectors = await VectorRows.VectorsAsync(db, keys, cancellationToken);
            Apply(vectors, advanceWatermark: false);
            repaired += vectors.Count;
        }
        if (!recentOnly)
        {
            var present = rows.Select(r => (ulong)r.Key).ToHashSet();
            // Only keys at or below the watermark were compared; newer ones are the next sync's.
            var gone = state.Keys().Where(k => !present.Contains(k) && state.VersionOf(k) <= watermark).ToArray();
            foreach (var key in gone)
            {
                index.Remove(key);
            }
            state.Removed(gone);
            _unsaved |= gone.Length > 0;
            repaired += gone.Length;
        }
        if (repaired > 0)
        {
            progress.AddRepaired(repaired);
            await cache.InvalidateAllAsync();
            logger.LogInformation("Index compared with the database ({Scope}): {Vectors} vectors repaired", recentOnly ? "recent versions" : "all", repaired);
        }
        return repaired;
    }

    private async Task CatchUpCardTextAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var caughtUp = await scope.ServiceProvider.GetRequiredService<DocumentStore>().CatchUpCardTextAsync(cancellationToken);
        if (caughtUp > 0)
        {
            logger.LogInformation("{Documents} documents got the card text they missed", caughtUp);
        }
    }

    private void Apply(IReadOnlyCollection<VersionedVector> vectors, bool advanceWatermark)
    {
        index.Upsert(vectors.Select(v => KeyValuePair.Create((ulong)v.Key, v.Vector)).ToArray());
        state.Indexed(vectors.Select(v => ((ulong)v.Key, v.Version)), advanceWatermark);
        // Marked here, not after the loop's step: a stop that cancels the rest of the step must still save this.
        _unsaved = true;
    }

    private void Save()
    {
        _lastSave = DateTime.UtcNow;
        _unsaved = false;
        if (indexOptions.Value.ResolvedPath is { } path)
        {
            IndexFiles.Save(index, state, path);
            logger.LogInformation("Vector index saved to {Path}: {Vectors} vectors up to version {Watermark}", path, index.Count, state.Watermark);
        }
    }
}
