using HubPlatform.Contracts;
using HubPlatform.Metrics.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Metrics.Queries;

/// <summary>A snapshot an answer describes: the one asked for, or the latest fully ingested.</summary>
public sealed record SnapshotRef(Guid Id, DateTimeOffset At);

public sealed class SnapshotQuery(MetricsDbContext db, ResponseCache cache, LatestSnapshot latest)
{
    /// <summary>
    /// The newest snapshot that completed with every page stored; else the newest completed one;
    /// else the newest with data (a crawl in progress is better than nothing). Only full snapshots:
    /// an incremental crawl holds just the repos that changed, so it can be asked for by id but
    /// never stands for "the hub now".
    /// </summary>
    public async Task<SnapshotRef?> ResolveAsync(Guid? requested, CancellationToken ct)
    {
        if (requested is { } id)
        {
            return await db.Snapshots.Where(s => s.Id == id).Select(s => new SnapshotRef(s.Id, s.StartedAt)).FirstOrDefaultAsync(ct);
        }
        // Read before the database: what is kept under it was true when the generation was.
        var generation = await cache.GenerationAsync();
        if (generation is { } g && latest.Get(g) is { } kept)
        {
            return kept;
        }
        var full = db.Snapshots.Where(s => s.Kind == nameof(CrawlKind.Full));
        var ingested = await full
            .Where(s => s.CompletedAt != null && s.ExpectedPages != null && db.SnapshotPages.Count(p => p.SnapshotId == s.Id) >= s.ExpectedPages)
            .OrderByDescending(s => s.StartedAt).Select(s => new SnapshotRef(s.Id, s.StartedAt)).FirstOrDefaultAsync(ct);
        if (ingested is not null)
        {
            if (generation is { } at && await SnapshotAggregates.IsBuiltAsync(db, ingested.Id, ct))
            {
                latest.Keep(at, ingested);
            }
            return ingested;
        }
        return await full.Where(s => s.CompletedAt != null)
                   .OrderByDescending(s => s.StartedAt).Select(s => new SnapshotRef(s.Id, s.StartedAt)).FirstOrDefaultAsync(ct)
               ?? await full.Where(s => db.SnapshotPages.Any(p => p.SnapshotId == s.Id))
                   .OrderByDescending(s => s.StartedAt).Select(s => new SnapshotRef(s.Id, s.StartedAt)).FirstOrDefaultAsync(ct);
    }
}
