using HubPlatform.Search.Embeddings;
using HubPlatform.Search.Index;
using HubPlatform.Search.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace HubPlatform.Search.Pipeline;

/// <summary>
/// Off the consumers' hot path: embeds texts that have no vector yet (document texts and card chunks,
/// each distinct text once, in batches), stores the vectors in the search schema, and keeps this
/// replica's ANN index (one entry per distinct text) in step with every row whose text changed (by
/// vector_version, so vectors embedded by another replica arrive here too). A restart loads the saved index and its state and
/// reads only what changed since; it never re-embeds.
/// </summary>
public sealed class EmbeddingWorker(
    IServiceScopeFactory scopes,
    BacklogEmbedder backlogEmbedder,
    VectorIndex index,
    IndexState state,
    EmbeddingProgress progress,
    ResponseCache cache,
    IngestActivity ingest,
    IOptions<VectorIndexOptions> indexOptions,
    ILogger<EmbeddingWorker> logger) : BackgroundService
{
    private const int EmbedBatch = 64;
    // Waiting rows read per step: templated texts repeat, so more rows than texts embedded.
    private const int WaitingRowsPerStep = 512;
    private static readonly TimeSpan CountBacklogEvery = TimeSpan.FromSeconds(10);
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
    private DateTime _lastBacklogCount = DateTime.MinValue;
    private bool _unsaved;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Inference would take the cores a crawl's pages are being stored with: it waits for a lull.
                var embedded = ingest.IsBusy ? 0 : await EmbedMissingAsync(stoppingToken);
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
                logger.StepFailed(ex);
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

    /// <summary>
    /// One step of the backlog: embeds up to a batch of waiting texts that have no vector, and marks their rows
    /// (and rows whose text another row already got a vector for) embedded. Returns the texts settled.
    /// </summary>
    public async Task<int> EmbedMissingAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SearchDbContext>();
        var waiting = await VectorRows.WaitingAsync(db, WaitingRowsPerStep, cancellationToken);
        if (waiting.Count == 0)
        {
            progress.SetBacklog(0);
            return 0;
        }
        var batch = waiting.Where(t => !t.Stored).Take(EmbedBatch).ToArray();
        var vectors = batch.Length == 0 ? [] : backlogEmbedder.Embed(batch.Select(b => b.Text).ToArray());
        var now = DateTimeOffset.UtcNow;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        for (var i = 0; i < batch.Length; i++)
        {
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO search.embeddings (text_hash, vector, created_at) VALUES ({batch[i].TextHash}, {vectors[i]}, {now}) ON CONFLICT DO NOTHING
                """, cancellationToken);
        }
        // Rows read by a replica before this vector existed were skipped; the new version brings them back.
        var settled = batch.Select(b => b.TextHash).Concat(waiting.Where(t => t.Stored).Select(t => t.TextHash)).ToArray();
        await VectorRows.MarkEmbeddedAsync(db, settled, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        progress.AddEmbedded(batch.Length);
        // Counting the backlog reads every waiting row: now and then, not after every batch.
        if (DateTime.UtcNow - _lastBacklogCount > CountBacklogEvery)
        {
            _lastBacklogCount = DateTime.UtcNow;
            var backlog = await VectorRows.BacklogAsync(db, cancellationToken);
            progress.SetBacklog(backlog);
            logger.Embedded(batch.Length, backlog);
        }
        return settled.Length;
    }

    /// <summary>
    /// Adds the texts named by rows that changed above the watermark (those the index does not hold yet: a
    /// text's vector never changes) and moves the watermark past those rows.
    /// </summary>
    public async Task<int> SyncIndexAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SearchDbContext>();
        var (changed, upTo) = await VectorRows.ChangedAsync(db, state.Watermark, IndexBatch, cancellationToken);
        if (upTo <= state.Watermark)
        {
            return 0;
        }
        var added = await AddMissingAsync(db, changed, cancellationToken);
        state.Indexed(changed.Select(c => ((ulong)c.Key, c.Version)), advanceTo: upTo);
        _unsaved = true;
        progress.AddIndexed(added);
        // Cached results were computed without these rows.
        await cache.InvalidateAllAsync();
        return Math.Max(added, 1);
    }

    /// <summary>
    /// Repairs the index where it disagrees with the database: texts named by rows but not in the index are
    /// added (a row that committed below the watermark with a new text), and, over everything, texts no row
    /// names any more (removed repos, shrunk or changed cards) leave the index.
    /// </summary>
    public async Task<int> CompareWithDatabaseAsync(bool recentOnly, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SearchDbContext>();
        var watermark = state.Watermark;
        var named = await VectorRows.VersionsAsync(db, recentOnly ? watermark - RecentVersions : long.MinValue, watermark, cancellationToken);
        var repaired = await AddMissingAsync(db, named, cancellationToken);
        state.Indexed(named.Select(c => ((ulong)c.Key, c.Version)), advanceTo: null);
        if (!recentOnly)
        {
            var present = named.Select(r => (ulong)r.Key).ToHashSet();
            // Only texts indexed for rows at or below the watermark were compared; newer ones are the next sync's.
            var gone = state.Keys().Where(k => !present.Contains(k) && state.VersionOf(k) <= watermark).ToArray();
            foreach (var key in gone)
            {
                index.Remove(key);
            }
            state.Removed(gone);
            repaired += gone.Length;
        }
        _unsaved |= repaired > 0;
        if (repaired > 0)
        {
            progress.AddRepaired(repaired);
            await cache.InvalidateAllAsync();
            logger.IndexRepaired(recentOnly ? "recent versions" : "all", repaired);
        }
        return repaired;
    }

    /// <summary>Adds the vectors of the keys the index does not hold; returns how many.</summary>
    private async Task<int> AddMissingAsync(SearchDbContext db, IEnumerable<VersionedKey> keys, CancellationToken cancellationToken)
    {
        var missing = keys.Select(k => k.Key).Where(k => state.VersionOf((ulong)k) is null || !index.Contains((ulong)k)).ToArray();
        var added = 0;
        foreach (var batch in missing.Chunk(IndexBatch))
        {
            var vectors = await VectorRows.VectorsAsync(db, batch, cancellationToken);
            index.Upsert(vectors.Select(v => KeyValuePair.Create((ulong)v.Key, v.Vector)).ToArray());
            // Marked here, not after the loop's step: a stop that cancels the rest of the step must still save this.
            _unsaved = true;
            added += vectors.Count;
        }
        return added;
    }

    private async Task CatchUpCardTextAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var caughtUp = await scope.ServiceProvider.GetRequiredService<DocumentStore>().CatchUpCardTextAsync(cancellationToken);
        if (caughtUp > 0)
        {
            // Answers computed while those documents lacked their card are cached for up to 30 minutes: they go too.
            await cache.InvalidateAllAsync();
            logger.CardTextCaughtUp(caughtUp);
        }
    }

    private void Save()
    {
        _lastSave = DateTime.UtcNow;
        _unsaved = false;
        if (indexOptions.Value.ResolvedPath is { } path)
        {
            IndexFiles.Save(index, state, path);
            logger.IndexSaved(path, index.Count, state.Watermark);
        }
    }
}
