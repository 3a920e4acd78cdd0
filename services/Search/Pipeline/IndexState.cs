namespace HubPlatform.Search.Pipeline;

/// <summary>
/// What this replica's vector index holds: every key in it (a distinct text) with the highest row version
/// that named it, and the watermark (the highest row version read so far). The versions let the worker compare the index with the database
/// and repair what a late commit or a removal left behind; saved next to the index file, they let a
/// restart continue from the watermark instead of re-adding every vector.
/// Only the embedding worker writes it; the status endpoint reads it.
/// </summary>
public sealed class IndexState
{
    // 2: keys name distinct texts (embeddings), no longer rows.
    private const int FormatVersion = 2;
    private readonly Lock _lock = new();
    private Dictionary<ulong, long> _versions = [];
    private long _watermark;

    public long Watermark
    {
        get { lock (_lock) { return _watermark; } }
    }

    public int Count
    {
        get { lock (_lock) { return _versions.Count; } }
    }

    public long? VersionOf(ulong key)
    {
        lock (_lock) { return _versions.TryGetValue(key, out var v) ? v : null; }
    }

    /// <summary>Records the keys now in the index (with the highest row version that names each) and, when given, moves the watermark up to
    /// <paramref name="advanceTo"/>.</summary>
    public void Indexed(IEnumerable<(ulong Key, long Version)> vectors, long? advanceTo)
    {
        lock (_lock)
        {
            foreach (var (key, version) in vectors)
            {
                _versions[key] = _versions.TryGetValue(key, out var known) ? Math.Max(known, version) : version;
            }
            if (advanceTo > _watermark)
            {
                _watermark = advanceTo.Value;
            }
        }
    }

    public void Removed(IEnumerable<ulong> keys)
    {
        lock (_lock)
        {
            foreach (var key in keys)
            {
                _versions.Remove(key);
            }
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _versions = [];
            _watermark = 0;
        }
    }

    public ulong[] Keys()
    {
        lock (_lock) { return [.. _versions.Keys]; }
    }

    /// <summary>The state file that goes with an index file.</summary>
    public static string PathFor(string indexPath) => indexPath + ".state";

    /// <summary>Writes through a temporary file, so a crash mid-save keeps the previous state.</summary>
    public void Save(string path)
    {
        var temporary = path + ".tmp";
        using (var writer = new BinaryWriter(File.Create(temporary)))
        {
            lock (_lock)
            {
                writer.Write(FormatVersion);
                writer.Write(_watermark);
                writer.Write(_versions.Count);
                foreach (var (key, version) in _versions)
                {
                    writer.Write(key);
                    writer.Write(version);
                }
            }
        }
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Reads a saved state; false (and an empty state) when there is none or it is damaged.</summary>
    public bool TryLoad(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }
        try
        {
            using var reader = new BinaryReader(File.OpenRead(path));
            if (reader.ReadInt32() != FormatVersion)
            {
                return false;
            }
            var watermark = reader.ReadInt64();
            var count = reader.ReadInt32();
            var versions = new Dictionary<ulong, long>(count);
            for (var i = 0; i < count; i++)
            {
                versions[reader.ReadUInt64()] = reader.ReadInt64();
            }
            lock (_lock)
            {
                _watermark = watermark;
                _versions = versions;
            }
            return true;
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or ArgumentOutOfRangeException)
        {
            return false;
        }
    }
}
