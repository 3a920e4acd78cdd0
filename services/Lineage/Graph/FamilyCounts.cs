using HubPlatform.Lineage.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Lineage.Graph;

/// <summary>A model's derivatives by relation: its children and all its descendants.</summary>
public sealed record TreeCounts(IReadOnlyList<RelationCount> Children, IReadOnlyList<RelationCount> Descendants, bool Truncated,
    Guid? RolledUpSnapshotId);

/// <summary>
/// The counts of the model tree. The graph at a moment is exactly the graph of the newest snapshot
/// dated at or before it (every edge version of a snapshot carries the snapshot's date), so when
/// that snapshot is rolled up the counts are one row of its <c>family_sizes</c>: no walk, whatever
/// the family's size. Otherwise (a snapshot still being ingested, or a rollup pruned) the family is
/// walked live, capped at <see cref="FamilyQueries.WalkCap"/> and marked truncated past it.
/// </summary>
public sealed class FamilyCounts(LineageDbContext db, FamilyQueries queries)
{
    public async Task<TreeCounts> CountsAsync(string id, GraphAsOf asOf, CancellationToken ct)
    {
        if (await RolledUpSnapshotAtAsync(asOf, ct) is { } snapshot)
        {
            var row = await db.FamilySizes.AsNoTracking().Where(f => f.SnapshotId == snapshot && f.BaseModelId == id).FirstOrDefaultAsync(ct);
            return new TreeCounts(
                Counts(row?.ChildFinetunes, row?.ChildAdapters, row?.ChildQuantizations, row?.ChildMerges),
                Counts(row?.Finetunes, row?.Adapters, row?.Quantizations, row?.Merges), false, snapshot);
        }
        var children = await queries.ChildrenByRelationAsync(id, asOf, ct);
        var (descendants, truncated) = await queries.DescendantsByRelationAsync(id, asOf, ct);
        return new TreeCounts(children, descendants, truncated, null);
    }

    /// <summary>
    /// The snapshot whose rolled-up graph is the graph at the moment: the newest snapshot dated at
    /// or before it, when its family sizes are rolled up (and kept); else null.
    /// </summary>
    public async Task<Guid?> RolledUpSnapshotAtAsync(GraphAsOf asOf, CancellationToken ct)
    {
        var dated = db.Snapshots.AsNoTracking().Where(s => s.ObservedAt != null);
        if (asOf.At is { } at)
        {
            dated = dated.Where(s => s.ObservedAt <= at);
        }
        var covering = await dated.OrderByDescending(s => s.ObservedAt).ThenByDescending(s => s.Id)
            .Select(s => new { s.Id, s.RolledUpAt, s.FamilySizesPrunedAt }).FirstOrDefaultAsync(ct);
        return covering is { RolledUpAt: not null, FamilySizesPrunedAt: null } ? covering.Id : null;
    }

    private static List<RelationCount> Counts(long? finetunes, long? adapters, long? quantizations, long? merges) =>
    [
        new(RelationInference.Finetune, finetunes ?? 0), new(RelationInference.Adapter, adapters ?? 0),
        new(RelationInference.Quantized, quantizations ?? 0), new(RelationInference.Merge, merges ?? 0),
    ];
}
