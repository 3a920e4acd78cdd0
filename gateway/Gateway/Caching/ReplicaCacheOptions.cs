namespace HubPlatform.Gateway.Caching;

/// <summary>
/// The output cache's first level: each gateway replica keeps the answers it served lately in its own memory
/// (<see cref="TwoLevelOutputCacheStore"/>), in front of the shared Redis store.
/// </summary>
public sealed class ReplicaCacheOptions
{
    public const string Section = "Gateway:OutputCache:Replica";

    /// <summary>
    /// How long a replica answers from its memory without asking Redis, never past the entry's own expiry. An
    /// eviction event empties every replica's memory as it arrives; this lifetime is the bound when one is lost.
    /// </summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The memory the entries may take, in megabytes (a 500-node lineage graph is about 200 KB, a few tens of KB as it is
    /// stored for a client that takes br or gzip); zero turns the level off.
    /// </summary>
    public int SizeLimitMegabytes { get; set; } = 64;
}
