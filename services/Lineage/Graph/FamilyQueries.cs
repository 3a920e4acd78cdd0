using HubPlatform.Lineage.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Lineage.Graph;

public sealed record FamilyMember(string Id, string? Relation, string? BaseModelId, int Depth, bool Resolved, string? Author,
    string? PipelineTag, long Downloads, long Likes, DateTimeOffset? CreatedAt);

public sealed record FamilyEdge(string ModelId, string BaseModelId, string Relation);

/// <summary>Walks a model's family: up to its roots, down level by level. Every walk is bounded by a depth cap.</summary>
public sealed class FamilyQueries(LineageDbContext db)
{
    public const int MaxDepth = 20;

    /// <summary>Every ancestor with its distance; several paths keep the shortest.</summary>
    public Task<List<FamilyMember>> AncestorsAsync(string id, CancellationToken ct) =>
        db.Database.SqlQuery<FamilyMember>($"""
            WITH RECURSIVE above(id, relation, child, depth) AS (
                SELECT e.base_model_id, e.relation, e.model_id, 1 FROM lineage.edges e WHERE e.model_id = {id}
                UNION
                SELECT e.base_model_id, e.relation, e.model_id, a.depth + 1
                FROM lineage.edges e JOIN above a ON e.model_id = a.id WHERE a.depth < {MaxDepth}
            )
            SELECT DISTINCT ON (a.id) a.id AS "Id", a.relation AS "Relation", a.child AS "BaseModelId", a.depth AS "Depth",
                   m.resolved AS "Resolved", m.author AS "Author", m.pipeline_tag AS "PipelineTag", m.downloads AS "Downloads",
                   m.likes AS "Likes", m.created_at AS "CreatedAt"
            FROM above a JOIN lineage.models m ON m.id = a.id
            WHERE a.id <> {id}
            ORDER BY a.id, a.depth
            """).ToListAsync(ct);

    /// <summary>
    /// Descendants to <paramref name="depth"/> levels, each at its shortest distance, optionally of
    /// one relation, sorted and paged. Returns the page and the total.
    /// </summary>
    public async Task<(List<FamilyMember> Page, long Total)> DescendantsAsync(
        string id, int depth, string? relation, string sort, int offset, int limit, CancellationToken ct)
    {
        var members = db.Database.SqlQuery<FamilyMember>($"""
            WITH RECURSIVE below(id, relation, parent, depth) AS (
                SELECT e.model_id, e.relation, e.base_model_id, 1 FROM lineage.edges e WHERE e.base_model_id = {id}
                UNION
                SELECT e.model_id, e.relation, e.base_model_id, b.depth + 1
                FROM lineage.edges e JOIN below b ON e.base_model_id = b.id WHERE b.depth < {depth}
            )
            SELECT DISTINCT ON (b.id) b.id AS "Id", b.relation AS "Relation", b.parent AS "BaseModelId", b.depth AS "Depth",
                   m.resolved AS "Resolved", m.author AS "Author", m.pipeline_tag AS "PipelineTag", m.downloads AS "Downloads",
                   m.likes AS "Likes", m.created_at AS "CreatedAt"
            FROM below b JOIN lineage.models m ON m.id = b.id
            WHERE b.id <> {id}
            ORDER BY b.id, b.depth
            """);
        if (relation is not null)
        {
            members = members.Where(m => m.Relation == relation);
        }
        var total = await members.LongCountAsync(ct);
        var sorted = sort switch
        {
            "downloads" => members.OrderBy(m => m.Depth).ThenByDescending(m => m.Downloads),
            "likes" => members.OrderBy(m => m.Depth).ThenByDescending(m => m.Likes),
            "created" => members.OrderBy(m => m.Depth).ThenByDescending(m => m.CreatedAt),
            _ => members.OrderBy(m => m.Depth).ThenBy(m => m.Id),
        };
        return (await sorted.ThenBy(m => m.Id).Skip(offset).Take(limit).ToListAsync(ct), total);
    }

    public Task<List<FamilyEdge>> EdgesAmongAsync(IReadOnlyCollection<string> ids, CancellationToken ct)
    {
        var array = ids.ToArray();
        return db.Edges.AsNoTracking()
            .Where(e => array.Contains(e.ModelId) && array.Contains(e.BaseModelId))
            .Select(e => new FamilyEdge(e.ModelId, e.BaseModelId, e.Relation))
            .ToListAsync(ct);
    }
}
