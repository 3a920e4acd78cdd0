namespace HubPlatform.Metrics.Queries;

/// <summary>
/// The latest snapshot as resolved under one response-cache generation, shared by this replica's requests. Only a
/// fully ingested snapshot with built aggregates is kept: it stays the latest until a newer one is fully ingested, and
/// metrics bumps the generation at that moment (<c>SnapshotIngestion</c>) and again once that one's aggregates are
/// built, so a kept answer is never stale. Every other answer (a crawl still running) is read from the database.
/// </summary>
public sealed class LatestSnapshot
{
    private Kept? _kept;

    public SnapshotRef? Get(long generation) => Volatile.Read(ref _kept) is { } kept && kept.Generation == generation ? kept.Snapshot : null;

    public void Keep(long generation, SnapshotRef snapshot) => Volatile.Write(ref _kept, new Kept(generation, snapshot));

    private sealed record Kept(long Generation, SnapshotRef Snapshot);
}
