using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Lineage.Infrastructure;

/// <summary>
/// Gives a snapshot its one date: the first of its events to be stored sets it and every later
/// event reads it back, so all edge versions of a snapshot share a date whatever page they came on.
/// </summary>
public static class SnapshotDates
{
    /// <summary>
    /// Call before the transaction that uses the date, so the first event's insert commits at once:
    /// inside a page's transaction, every other first page of the snapshot waited for that whole page.
    /// Once the date is set it is only read, and pages take no lock on the snapshot's row. An event
    /// that fails after setting it leaves the date its redelivery would set.
    /// </summary>
    public static async Task<DateTimeOffset> DateOfAsync(LineageDbContext db, Guid snapshotId, DateTimeOffset observedAt,
        CancellationToken cancellationToken)
    {
        var known = await db.Database.SqlQuery<DateTimeOffset?>($"""
            SELECT observed_at AS "Value" FROM lineage.snapshots WHERE id = {snapshotId}
            """).ToListAsync(cancellationToken);
        if (known is [{ } date])
        {
            return date;
        }
        var dates = await db.Database.SqlQuery<DateTimeOffset>($"""
            INSERT INTO lineage.snapshots AS s (id, observed_at) VALUES ({snapshotId}, {observedAt})
            ON CONFLICT (id) DO UPDATE SET observed_at = coalesce(s.observed_at, EXCLUDED.observed_at)
            RETURNING s.observed_at AS "Value"
            """).ToListAsync(cancellationToken);
        return dates.Single();
    }
}
