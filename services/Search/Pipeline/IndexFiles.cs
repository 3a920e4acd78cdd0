using Cloud.Unum.USearch;
using HubPlatform.Search.Index;

namespace HubPlatform.Search.Pipeline;

/// <summary>
/// A replica's saved index: the USearch file and, beside it, the <see cref="IndexState"/> (versions and
/// watermark) that says what the file holds. The index is written first, so a state file never describes
/// more than its index; a pair that does not match (different counts) is not trusted.
/// </summary>
public static class IndexFiles
{
    public static void Save(VectorIndex index, IndexState state, string path)
    {
        index.Save(path);
        state.Save(IndexState.PathFor(path));
    }

    /// <summary>
    /// The saved index with its state, or a new empty index (and empty state) when there is none, it is
    /// damaged, or its state is missing: then the worker re-adds every stored vector, but nothing is re-embedded.
    /// </summary>
    public static VectorIndex LoadOrCreate(VectorIndexOptions options, IndexState state, ILogger logger)
    {
        if (options.ResolvedPath is not { } path || !File.Exists(path))
        {
            return VectorIndex.Create(options);
        }
        VectorIndex? index = null;
        try
        {
            index = VectorIndex.Load(path, options);
            if (!state.TryLoad(IndexState.PathFor(path)) || state.Count != index.Count)
            {
                logger.IndexStateMismatch(path);
                state.Clear();
                index.Dispose();
                return VectorIndex.Create(options);
            }
            logger.IndexLoaded(path, index.Count, state.Watermark);
            return index;
        }
        catch (Exception e) when (e is USearchException or InvalidDataException)
        {
            // A damaged file must not stop the service: it starts empty and is rebuilt from the database.
            logger.IndexUnreadable(e, path);
            index?.Dispose();
            state.Clear();
            return VectorIndex.Create(options);
        }
    }
}
