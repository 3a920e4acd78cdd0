using HubPlatform.Lineage.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace HubPlatform.Lineage.Graph;

public sealed record FamilyMember(string Id, string? Relation, string? BaseModelId, int Depth, bool Resolved, string? Author,
    string? PipelineTag, long Downloads, long Likes, DateTimeOffset? CreatedAt);

public sealed record FamilyEdge(string ModelId, string BaseModelId, string Relation);

public sealed record BaseModelLink(string Id, string Relation, bool Stated, bool Resolved);

public sealed record RelationCount(string Relation, long Count);

/// <summary>
/// Walks a model's family at a moment (<see cref="GraphAsOf"/>): up to its roots, down level by
/// level. Walks use UNION, so a model is visited once per distance and cycles end; depth-limited
/// walks stop at <see cref="MaxDepth"/>.
/// </summary>
public sealed class FamilyQueries(LineageDbContext db)
{
    public const int MaxDepth = 20;

    public Task<bool> ExistsAsync(string id, GraphAsOf asOf, CancellationToken ct) =>
        Query<bool>($"""
            SELECT EXISTS (SELECT 1 FROM lineage.models m WHERE m.id = @id
                             AND ({(asOf.IsLatest ? "TRUE" : "m.first_observed_at <= @as_of")}
                                  OR EXISTS (SELECT 1 FROM lineage.edges e WHERE e.base_model_id = @id AND {asOf.Edges("e")}))) AS "Value"
            """, asOf, Id(id)).SingleAsync(ct);

    public Task<bool> ResolvedAsync(string id, GraphAsOf asOf, CancellationToken ct) =>
        Query<bool>($"""SELECT {asOf.Resolved("m")} AS "Value" FROM lineage.models m WHERE m.id = @id""", asOf, Id(id)).SingleAsync(ct);

    public Task<List<BaseModelLink>> BaseModelsAsync(string id, GraphAsOf asOf, CancellationToken ct) =>
        Query<BaseModelLink>($"""
            SELECT e.base_model_id AS "Id", e.relation AS "Relation", e.stated AS "Stated", {asOf.Resolved("m")} AS "Resolved"
            FROM lineage.edges e JOIN lineage.models m ON m.id = e.base_model_id
            WHERE e.model_id = @id AND {asOf.Edges("e")}
            ORDER BY e.base_model_id
            """, asOf, Id(id)).ToListAsync(ct);

    public Task<List<RelationCount>> ChildrenByRelationAsync(string id, GraphAsOf asOf, CancellationToken ct) =>
        Query<RelationCount>($"""
            SELECT e.relation AS "Relation", count(*) AS "Count" FROM lineage.edges e
            WHERE e.base_model_id = @id AND {asOf.Edges("e")}
            GROUP BY e.relation
            """, asOf, Id(id)).ToListAsync(ct);

    /// <summary>
    /// Every descendant counted once per relation it has inside the family (a merge of two family
    /// members is one merge); the walk has no depth limit, UNION makes it end on cycles.
    /// </summary>
    public Task<List<RelationCount>> DescendantsByRelationAsync(string id, GraphAsOf asOf, CancellationToken ct) =>
        Query<RelationCount>($"""
            WITH RECURSIVE {Family(asOf)}
            SELECT e.relation AS "Relation", count(DISTINCT e.model_id) AS "Count"
            FROM lineage.edges e
            WHERE (e.base_model_id = @id OR e.base_model_id IN (SELECT model_id FROM below)) AND e.model_id <> @id AND {asOf.Edges("e")}
            GROUP BY e.relation
            """, asOf, Id(id)).ToListAsync(ct);

    /// <summary>Every ancestor with its distance; several paths keep the shortest.</summary>
    public Task<List<FamilyMember>> AncestorsAsync(string id, GraphAsOf asOf, CancellationToken ct) =>
        Query<FamilyMember>($"""
            WITH RECURSIVE above(id, relation, child, depth) AS (
                SELECT e.base_model_id, e.relation, e.model_id, 1 FROM lineage.edges e WHERE e.model_id = @id AND {asOf.Edges("e")}
                UNION
                SELECT e.base_model_id, e.relation, e.model_id, a.depth + 1
                FROM lineage.edges e JOIN above a ON e.model_id = a.id WHERE a.depth < {MaxDepth} AND {asOf.Edges("e")}
            )
            SELECT DISTINCT ON (a.id) a.id AS "Id", a.relation AS "Relation", a.child AS "BaseModelId", a.depth AS "Depth",
                   {asOf.Resolved("m")} AS "Resolved", m.author AS "Author", m.pipeline_tag AS "PipelineTag", m.downloads AS "Downloads",
                   m.likes AS "Likes", m.created_at AS "CreatedAt"
            FROM above a JOIN lineage.models m ON m.id = a.id
            WHERE a.id <> @id
            ORDER BY a.id, a.depth
            """, asOf, Id(id)).ToListAsync(ct);

    /// <summary>
    /// Descendants to <paramref name="depth"/> levels, each at its shortest distance, optionally of
    /// one relation, sorted and paged. Returns the page and the total.
    /// </summary>
    public async Task<(List<FamilyMember> Page, long Total)> DescendantsAsync(
        string id, GraphAsOf asOf, int depth, string? relation, string sort, int offset, int limit, CancellationToken ct)
    {
        var members = Query<FamilyMember>($"""
            WITH RECURSIVE below(id, relation, parent, depth) AS (
                SELECT e.model_id, e.relation, e.base_model_id, 1 FROM lineage.edges e WHERE e.base_model_id = @id AND {asOf.Edges("e")}
                UNION
                SELECT e.model_id, e.relation, e.base_model_id, b.depth + 1
                FROM lineage.edges e JOIN below b ON e.base_model_id = b.id WHERE b.depth < @depth AND {asOf.Edges("e")}
            )
            SELECT DISTINCT ON (b.id) b.id AS "Id", b.relation AS "Relation", b.parent AS "BaseModelId", b.depth AS "Depth",
                   {asOf.Resolved("m")} AS "Resolved", m.author AS "Author", m.pipeline_tag AS "PipelineTag", m.downloads AS "Downloads",
                   m.likes AS "Likes", m.created_at AS "CreatedAt"
            FROM below b JOIN lineage.models m ON m.id = b.id
            WHERE b.id <> @id
            ORDER BY b.id, b.depth
            """, asOf, Id(id), new NpgsqlParameter("depth", depth));
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

    public Task<List<FamilyEdge>> EdgesAmongAsync(IReadOnlyCollection<string> ids, GraphAsOf asOf, CancellationToken ct) =>
        Query<FamilyEdge>($"""
            SELECT e.model_id AS "ModelId", e.base_model_id AS "BaseModelId", e.relation AS "Relation" FROM lineage.edges e
            WHERE e.model_id = ANY(@ids) AND e.base_model_id = ANY(@ids) AND {asOf.Edges("e")}
            """, asOf, new NpgsqlParameter("ids", ids.ToArray())).ToListAsync(ct);

    /// <summary>The whole family below @id as CTE <c>below(model_id)</c>, without a depth limit.</summary>
    internal static string Family(GraphAsOf asOf) => $"""
        below(model_id) AS (
            SELECT e.model_id FROM lineage.edges e WHERE e.base_model_id = @id AND {asOf.Edges("e")}
            UNION
            SELECT e.model_id FROM lineage.edges e JOIN below b ON e.base_model_id = b.model_id WHERE {asOf.Edges("e")}
        )
        """;

    internal static NpgsqlParameter Id(string id) => new("id", id);

    internal IQueryable<T> Query<T>(string sql, GraphAsOf asOf, params NpgsqlParameter[] parameters) =>
        db.Database.SqlQueryRaw<T>(sql, [.. parameters, .. asOf.Parameters()]);
}
