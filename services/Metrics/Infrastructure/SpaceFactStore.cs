using HubPlatform.Contracts;
using HubPlatform.Ingestion;
using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Metrics.Infrastructure;

/// <summary>A page of spaces: dimensions and facts (likes, trending score; the Hub counts no space downloads).</summary>
public sealed class SpaceFactStore(MetricsDbContext db)
{
    public async Task UpsertAsync(SpacesObserved page, CancellationToken cancellationToken)
    {
        var s = page.Spaces;
        var ids = s.Select(x => x.Id).ToArray();
        var owners = s.Select(x => Authors.Of(x.Id, x.Author)).ToArray();
        await SnapshotPartitions.EnsureAsync(db, "space_facts", page.SnapshotId, cancellationToken);
        // Before the page's transaction, not in it: see Authors.RegisterAsync.
        await Authors.RegisterAsync(db, owners, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO metrics.spaces AS t (id, author, created_at, sdk, license, last_observed_at, removed_in_snapshot)
            SELECT u.id, u.author, u.created_at, u.sdk, u.license, {page.ObservedAt}, NULL
            FROM unnest({ids}, {owners}, {s.Select(x => x.CreatedAt).ToArray()}, {s.Select(x => x.Sdk).ToArray()},
                        {s.Select(x => x.License).ToArray()})
                 AS u(id, author, created_at, sdk, license)
            ON CONFLICT (id) DO UPDATE SET
                author = EXCLUDED.author, created_at = EXCLUDED.created_at, sdk = EXCLUDED.sdk, license = EXCLUDED.license,
                last_observed_at = EXCLUDED.last_observed_at, removed_in_snapshot = NULL
            WHERE t.last_observed_at <= EXCLUDED.last_observed_at
            """, cancellationToken);
        await FactCopy.CopyAsync(db, "space_facts", "space_id", page.SnapshotId, page.ObservedAt,
            s.Select(x => new FactRow(x.Id, 0, null, x.Likes, x.TrendingScore)).ToList(), hasDownloads: false, cancellationToken);
        await new SnapshotProgress(db, MetricsDbContext.Schema).RecordPageAsync(page.SnapshotId, page.Page, s.Count, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
