using System.Numerics;
using Cloud.Unum.USearch;
using HubPlatform.Search.Embeddings;

namespace HubPlatform.Search.Index;

/// <summary>
/// An HNSW index (USearch) of key → unit vector with the cosine metric. Queries run concurrently; inserts
/// and removals exclude queries, and a batch of inserts runs on every core (capacity reserved first). Built
/// incrementally, saved to a file for restarts, and rebuilt from the stored vectors when the file is lost
/// or its settings change.
/// </summary>
public sealed class VectorIndex : IDisposable
{
    public const int Dimensions = SentenceEmbedder.Dimensions;

    private readonly ReaderWriterLockSlim _lock = new();

    // USearch keeps one search context per hardware thread and fails a search that finds none free ("Reserve
    // capacity ahead of searches!") instead of waiting, so queries beyond that wait here. ProcessorCount never
    // exceeds the hardware threads USearch counts (it can be lower, under a container CPU limit).
    private readonly SemaphoreSlim _searchContexts = new(Environment.ProcessorCount);
    private readonly USearchIndex _index;
    private readonly int _expansionSearch;

    private VectorIndex(USearchIndex index, int expansionSearch)
    {
        _index = index;
        _expansionSearch = expansionSearch;
    }

    public static VectorIndex Create(VectorIndexOptions options) => new(
        new USearchIndex(MetricKind.Cos, options.Quantization, Dimensions,
            (ulong)options.Connectivity, (ulong)options.ExpansionAdd, (ulong)options.ExpansionSearch, multi: false),
        options.ExpansionSearch);

    /// <summary>Loads a file written by <see cref="Save"/>; its metric, quantization and connectivity come from the file.</summary>
    public static VectorIndex Load(string path, VectorIndexOptions options)
    {
        var index = new USearchIndex(path, false);
        if (index.Dimensions() != Dimensions)
        {
            var dimensions = index.Dimensions();
            index.Dispose();
            throw new InvalidDataException($"{path} holds {dimensions}-dimensional vectors, not {Dimensions}.");
        }
        return new VectorIndex(index, options.ExpansionSearch);
    }

    /// <summary>A new index of the given vectors (e.g. streamed from the database), added in batches, each on every core.</summary>
    public static VectorIndex Build(IEnumerable<KeyValuePair<ulong, float[]>> vectors, VectorIndexOptions options, int batchSize = 50_000)
    {
        var index = Create(options);
        foreach (var batch in vectors.Chunk(batchSize))
        {
            index.Upsert(batch);
        }
        return index;
    }

    public long Count
    {
        get
        {
            _lock.EnterReadLock();
            try { return (long)_index.Size(); }
            finally { _lock.ExitReadLock(); }
        }
    }

    public bool Contains(ulong key)
    {
        _lock.EnterReadLock();
        try { return _index.Contains(key); }
        finally { _lock.ExitReadLock(); }
    }

    /// <summary>Adds the vectors, replacing the vector of a key already present; within one call the last vector of a key wins.</summary>
    public void Upsert(IReadOnlyCollection<KeyValuePair<ulong, float[]>> vectors)
    {
        var latest = new Dictionary<ulong, float[]>(vectors.Count);
        foreach (var (key, vector) in vectors)
        {
            if (vector.Length != Dimensions)
            {
                throw new ArgumentException($"Vector of key {key} has {vector.Length} dimensions, not {Dimensions}.", nameof(vectors));
            }
            latest[key] = vector;
        }
        if (latest.Count == 0)
        {
            return;
        }
        _lock.EnterWriteLock();
        try
        {
            foreach (var key in latest.Keys.Where(_index.Contains))
            {
                _index.Remove(key);
            }
            var keys = latest.Keys.ToArray();
            var added = latest.Values.ToArray();
            // The batch overload reserves capacity for the whole batch once (single Adds would grow it a vector at a time).
            // One thread: concurrent Adds through the binding put wrong or missing vectors under keys now and then
            // (CI saw relevance and restart tests fail nondeterministically), so the build stays sequential.
            _index.Add(keys, added);
        }
        finally { _lock.ExitWriteLock(); }
    }

    public bool Remove(ulong key)
    {
        _lock.EnterWriteLock();
        try { return _index.Remove(key) > 0; }
        finally { _lock.ExitWriteLock(); }
    }

    /// <summary>The (approximately) <paramref name="k"/> most similar keys, most similar first.</summary>
    public IReadOnlyList<VectorMatch> Search(float[] query, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (query.Length != Dimensions)
        {
            throw new ArgumentException($"The query has {query.Length} dimensions, not {Dimensions}.", nameof(query));
        }
        // USearch explores max(expansion, wanted) candidates. Asking for at least ExpansionSearch results keeps
        // the configured search effort also on a loaded index, whose expansion is reset to USearch's default.
        var wanted = Math.Max(k, _expansionSearch);
        ulong[] keys;
        float[] distances;
        int found;
        _searchContexts.Wait();
        _lock.EnterReadLock();
        try { found = _index.Search(query, wanted, out keys, out distances); }
        finally
        {
            _lock.ExitReadLock();
            _searchContexts.Release();
        }
        var matches = new VectorMatch[Math.Min(k, found)];
        for (var i = 0; i < matches.Length; i++)
        {
            matches[i] = new VectorMatch(keys[i], 1f - distances[i]);
        }
        return matches;
    }

    /// <summary>
    /// Exact cosine similarity of <paramref name="query"/> to each of <paramref name="keys"/> that the index holds,
    /// most similar first: a filtered search whose candidates are few scores them all instead of hoping the
    /// approximate search reaches them. The vectors come from the index itself (dequantized), not the database.
    /// </summary>
    public IReadOnlyList<VectorMatch> Score(float[] query, IEnumerable<ulong> keys)
    {
        if (query.Length != Dimensions)
        {
            throw new ArgumentException($"The query has {query.Length} dimensions, not {Dimensions}.", nameof(query));
        }
        var matches = new List<VectorMatch>();
        _lock.EnterReadLock();
        try
        {
            foreach (var key in keys)
            {
                if (_index.Get(key, out float[] vector) > 0)
                {
                    matches.Add(new VectorMatch(key, Cosine(query, vector)));
                }
            }
        }
        finally { _lock.ExitReadLock(); }
        matches.Sort((a, b) => b.Similarity.CompareTo(a.Similarity));
        return matches;
    }

    private static float Cosine(float[] a, float[] b)
    {
        Vector<float> dot = default, aa = default, bb = default;
        var i = 0;
        for (; i <= a.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var x = new Vector<float>(a, i);
            var y = new Vector<float>(b, i);
            dot += x * y;
            aa += x * x;
            bb += y * y;
        }
        float d = Vector.Sum(dot), na = Vector.Sum(aa), nb = Vector.Sum(bb);
        for (; i < a.Length; i++)
        {
            d += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : d / MathF.Sqrt(na * nb);
    }

    /// <summary>Writes the index to <paramref name="path"/> through a temporary file, so a crash mid-save keeps the previous file.</summary>
    public void Save(string path)
    {
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        _lock.EnterReadLock();
        try { _index.Save(temporary); }
        finally { _lock.ExitReadLock(); }
        File.Move(temporary, path, overwrite: true);
    }

    public void Dispose()
    {
        _index.Dispose();
        _lock.Dispose();
        _searchContexts.Dispose();
    }
}
