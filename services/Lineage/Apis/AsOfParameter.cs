using System.Globalization;
using HubPlatform.Lineage.Graph;
using HubPlatform.Lineage.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Lineage.Apis;

/// <summary>
/// The <c>asOf</c> query parameter every lineage query takes: a snapshot id or a date (ISO 8601,
/// UTC when no offset is given); absent means the latest graph. A moment at or after the newest
/// snapshot's date is the latest graph, so it takes the fast path over open edges only.
/// </summary>
public static class AsOfParameter
{
    public const string Description = "asOf: a snapshot id or an ISO 8601 date; the graph as it was then (default: latest)";

    public static async Task<(GraphAsOf AsOf, ProblemHttpResult? Problem)> ResolveAsync(string? asOf, LineageDbContext db, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(asOf))
        {
            return (GraphAsOf.Latest, null);
        }
        DateTimeOffset at;
        Guid? snapshotId = null;
        if (Guid.TryParse(asOf, out var id))
        {
            var date = await db.Snapshots.AsNoTracking().Where(s => s.Id == id).Select(s => s.ObservedAt).FirstOrDefaultAsync(ct);
            if (date is null)
            {
                return (GraphAsOf.Latest, TypedResults.Problem(title: "Unknown snapshot", statusCode: 404, detail: $"Lineage has no snapshot {id}."));
            }
            at = date.Value;
            snapshotId = id;
        }
        else if (!TryParseDate(asOf.Trim(), out at) && !TryParseDate(asOf.Trim().Replace(' ', '+'), out at))
        {
            return (GraphAsOf.Latest, TypedResults.Problem(title: "Invalid asOf", statusCode: 400,
                detail: "asOf is a snapshot id or an ISO 8601 date such as 2026-11-01 or 2026-11-01T12:00:00Z."));
        }
        var newest = await db.Snapshots.AsNoTracking().MaxAsync(s => s.ObservedAt, ct);
        return (newest is null || at >= newest ? GraphAsOf.Latest : new GraphAsOf(at, snapshotId), null);
    }

    // An offset's '+' left unescaped in a query string arrives as a space, hence the second try above.
    private static bool TryParseDate(string text, out DateTimeOffset at) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out at);
}
