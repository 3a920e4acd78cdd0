using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Ingestion;

/// <summary>
/// Which pages of a snapshot a service has stored. Pages and the SnapshotCompleted event reach a
/// service on different queues, in any order; the snapshot is fully ingested once it completed
/// and every page it announced is stored, and whichever arrives last finds that out. Each service
/// keeps the two tables in its own schema: <c>snapshots (id, completed_at, expected_pages, ...)</c>
/// and <c>snapshot_pages (snapshot_id, page, models)</c>.
/// </summary>
// The schema is the calling service's own constant, never input; values go in as parameters.
#pragma warning disable EF1002
public sealed class SnapshotProgress(DbContext db, string schema)
{
    /// <summary>Call inside the transaction that stores the page, so the two cannot disagree.</summary>
    public Task RecordPageAsync(Guid snapshotId, int page, int models, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlRawAsync(
            $$"""
            INSERT INTO {{schema}}.snapshot_pages (snapshot_id, page, models) VALUES ({0}, {1}, {2})
            ON CONFLICT (snapshot_id, page) DO NOTHING
            """,
            [snapshotId, page, models], cancellationToken);

    public async Task<bool> IsFullyIngestedAsync(Guid snapshotId, CancellationToken cancellationToken) =>
        await db.Database.SqlQueryRaw<bool>(
            $$"""
            SELECT EXISTS (SELECT 1 FROM {{schema}}.snapshots s
                           WHERE s.id = {0} AND s.completed_at IS NOT NULL
                             AND (SELECT count(*) FROM {{schema}}.snapshot_pages p WHERE p.snapshot_id = s.id) >= s.expected_pages) AS "Value"
            """, snapshotId).SingleAsync(cancellationToken);
}
#pragma warning restore EF1002
