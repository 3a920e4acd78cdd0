using HubPlatform.Lineage.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Lineage.Graph;

public sealed record WeekCount(DateTimeOffset? Week, long Models);

public sealed record LevelCount(int Depth, long Models);

/// <summary>
/// Statistics of a family at a moment (walked live, bounded by the family's size) and of the
/// whole hub in a rolled-up snapshot (read from the rollup tables: a hub-wide walk per request
/// would not answer at Hub scale).
/// </summary>
public sealed class FamilyStatistics(LineageDbContext db, FamilyQueries queries)
{
    /// <summary>
    /// Descendants created per week (ISO weeks, Monday 00:00 UTC), from the models' createdAt; null
    /// week = date unknown. The walk reads at most <see cref="FamilyQueries.WalkCap"/> models
    /// (nearest levels first): a sum reaching the cap means the family was cut there.
    /// </summary>
    public Task<List<WeekCount>> GrowthAsync(string id, GraphAsOf asOf, CancellationToken ct) =>
        queries.Query<WeekCount>($"""
            WITH RECURSIVE {FamilyQueries.Family(asOf)}
            SELECT date_trunc('week', m.created_at, 'UTC') AS "Week", count(*) AS "Models"
            FROM (SELECT model_id FROM below LIMIT {FamilyQueries.WalkCap}) b JOIN lineage.models m ON m.id = b.model_id
            WHERE b.model_id <> @id
            GROUP BY 1
            ORDER BY 1 NULLS LAST
            """, asOf, FamilyQueries.Id(id)).ToListAsync(ct);

    /// <summary>
    /// Descendants per level below the base model, each at its shortest distance, to
    /// <see cref="FamilyQueries.MaxDepth"/>; the walk reads at most <see cref="FamilyQueries.WalkCap"/>
    /// rows, nearest levels first, and says whether it stopped there.
    /// </summary>
    public async Task<(List<LevelCount> Levels, bool Truncated)> DepthAsync(string id, GraphAsOf asOf, CancellationToken ct)
    {
        var rows = await queries.Query<LevelCount>($"""
            WITH RECURSIVE below(id, depth) AS (
                SELECT e.model_id, 1 FROM lineage.edges e WHERE e.base_model_id = @id AND {asOf.Edges("e")}
                UNION
                SELECT c.model_id, b.depth + 1 FROM below b, LATERAL ({FamilyQueries.Children("b.id", asOf)}) c
                WHERE b.depth < {FamilyQueries.MaxDepth}
            ),
            walked AS (SELECT id, depth FROM below LIMIT {FamilyQueries.WalkCap + 1}),
            nearest AS (SELECT id, min(depth) AS depth FROM walked WHERE id <> @id GROUP BY id)
            SELECT depth AS "Depth", count(*) AS "Models" FROM nearest GROUP BY depth
            UNION ALL
            SELECT {Walked}, count(*) FROM walked
            """, asOf, FamilyQueries.Id(id)).ToListAsync(ct);
        return (rows.Where(r => r.Depth != Walked).OrderBy(r => r.Depth).ToList(),
            rows.Single(r => r.Depth == Walked).Models > FamilyQueries.WalkCap);
    }

    // The row of DepthAsync's answer that carries the walk's size rather than a level.
    private const int Walked = -1;

    /// <summary>The newest rolled-up snapshot at the moment, or null when none is.</summary>
    public Task<Snapshot?> RolledUpSnapshotAsync(GraphAsOf asOf, CancellationToken ct)
    {
        var rolled = db.Snapshots.AsNoTracking().Where(s => s.RolledUpAt != null && s.ObservedAt != null && s.FamilySizesPrunedAt == null);
        if (asOf.At is { } at)
        {
            rolled = rolled.Where(s => s.ObservedAt <= at);
        }
        return rolled.OrderByDescending(s => s.ObservedAt).ThenByDescending(s => s.Id).FirstOrDefaultAsync(ct);
    }

    public Task<List<LevelCount>> HubDepthAsync(Guid snapshotId, CancellationToken ct) =>
        db.DepthLevels.AsNoTracking().Where(d => d.SnapshotId == snapshotId).OrderBy(d => d.Depth)
            .Select(d => new LevelCount(d.Depth, d.Models)).ToListAsync(ct);
}
