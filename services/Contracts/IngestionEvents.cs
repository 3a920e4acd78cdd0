namespace HubPlatform.Contracts;

/// <summary>
/// A service has stored every page of a completed snapshot: its answers now describe that
/// snapshot, so caches in front of it (the gateway's) can be dropped.
/// </summary>
public sealed record SnapshotIngested(Guid SnapshotId, string Service, DateTimeOffset IngestedAt);

/// <summary>The model graph changed: a page of observations moved edges of these base models' families.</summary>
public sealed record LineageUpdated(Guid SnapshotId, int Page, DateTimeOffset UpdatedAt, IReadOnlyList<string> BaseModelIds);
