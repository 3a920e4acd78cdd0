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

    /// <summary>
    /// The most rows a live walk reads (a walk row is a model reached at a distance, or with a
    /// relation). Past it an answer is marked truncated: no request walks a whole 100k family.
    /// </summary>
    public const int WalkCap = 50_000;

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
    /// members is one merge), walked live: the walk's rows are (model, relation) pairs, UNION makes
    /// it end on cycles, and it stops after <see cref="WalkCap"/> rows, then the counts are lower
    /// bounds (<c>Truncated</c>). The model tree reads these counts from the rollup instead whenever
    /// the moment's snapshot is rolled up (<see cref="FamilyCounts"/>).
    /// </summary>
    public async Task<(List<RelationCount> Counts, bool Truncated)> DescendantsByRelationAsync(string id, GraphAsOf asOf, CancellationToken ct)
    {
        var pairs = await Query<RelationCount>($"""
            WITH RECURSIVE below(model_id, relation) AS (
                SELECT e.model_id, e.relation FROM lineage.edges e WHERE e.base_model_id = @id AND {asOf.Edges("e")}
                UNION
                SELECT c.model_id, c.relation FROM below b, LATERAL ({Children("b.model_id", asOf)}) c
            ),
            walked AS (SELECT model_id, relation FROM below LIMIT {WalkCap + 1})
            SELECT relation AS "Relation", count(DISTINCT model_id) AS "Count" FROM walked WHERE model_id <> @id GROUP BY relation
            UNION ALL
            SELECT '', count(*) FROM walked
            """, asOf, Id(id)).ToListAsync(ct);
        return (pairs.Where(p => p.Relation.Length > 0).ToList(), pairs.Single(p => p.Relation.Length == 0).Count > WalkCap);
    }

    /// <summary>Every ancestor with its distance; several paths keep the shortest.</summary>
    public Task<List<FamilyMember>> AncestorsAsync(string id, GraphAsOf asOf, CancellationToken ct) =>
        Query<FamilyMember>($"""
            WITH RECURSIVE above(id, relation, child, depth) AS (
                SELECT e.base_model_id, e.relation, e.model_id, 1 FROM lineage.edges e WHERE e.model_id = @id AND {asOf.Edges("e")}
                UNION
                SELECT p.base_model_id, p.relation, p.model_id, a.depth + 1
                FROM above a, LATERAL (SELECT e.base_model_id, e.relation, e.model_id FROM lineage.edges e
                                       WHERE e.model_id = a.id AND {asOf.Edges("e")} OFFSET 0) p
                WHERE a.depth < {MaxDepth}
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
    /// one relation, sorted and paged, in one statement. Returns the page, the total and whether
    /// the walk stopped at <see cref="WalkCap"/> (then the total counts the nearest levels only).
    /// </summary>
    public async Task<(List<FamilyMember> Page, long Total, bool Truncated)> DescendantsAsync(
        string id, GraphAsOf asOf, int depth, string? relation, string sort, int offset, int limit, CancellationToken ct)
    {
        // Whitelisted by the API; nearest levels first whatever the sort.
        var order = sort switch
        {
            "downloads" => "\"Depth\", \"Downloads\" DESC",
            "likes" => "\"Depth\", \"Likes\" DESC",
            "created" => "\"Depth\", \"CreatedAt\" DESC",
            _ => "\"Depth\"",
        };
        var rows = await Query<DescendantRow>($"""
            WITH RECURSIVE below(id, relation, parent, depth) AS (
                SELECT e.model_id, e.relation, e.base_model_id, 1 FROM lineage.edges e WHERE e.base_model_id = @id AND {asOf.Edges("e")}
                UNION
                SELECT c.model_id, c.relation, c.base_model_id, b.depth + 1
                FROM below b, LATERAL ({Children("b.id", asOf)}) c WHERE b.depth < @depth
            ),
            walked AS (SELECT * FROM below LIMIT {WalkCap + 1}),
            nearest AS (SELECT DISTINCT ON (w.id) w.id, w.relation, w.parent, w.depth FROM walked w WHERE w.id <> @id ORDER BY w.id, w.depth),
            members AS (
                SELECT n.id AS "Id", n.relation AS "Relation", n.parent AS "BaseModelId", n.depth AS "Depth",
                       {asOf.Resolved("m")} AS "Resolved", m.author AS "Author", m.pipeline_tag AS "PipelineTag", m.downloads AS "Downloads",
                       m.likes AS "Likes", m.created_at AS "CreatedAt"
                FROM nearest n JOIN lineage.models m ON m.id = n.id
                WHERE @relation::text IS NULL OR n.relation = @relation::text
            )
            SELECT p.*, t.total AS "Total", t.walked AS "Walked"
            FROM (SELECT (SELECT count(*) FROM members) AS total, (SELECT count(*) FROM walked) AS walked) t
            LEFT JOIN LATERAL (SELECT * FROM members ORDER BY {order}, "Id" OFFSET @offset LIMIT @limit) p ON TRUE
            """, asOf, Id(id), new NpgsqlParameter("depth", depth),
                new NpgsqlParameter("relation", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)relation ?? DBNull.Value },
            new NpgsqlParameter("offset", offset), new NpgsqlParameter("limit", limit)).ToListAsync(ct);
        var page = rows.Where(r => r.Id is not null)
            .Select(r => new FamilyMember(r.Id!, r.Relation, r.BaseModelId, r.Depth ?? 0, r.Resolved ?? false, r.Author, r.PipelineTag,
                r.Downloads ?? 0, r.Likes ?? 0, r.CreatedAt))
            .ToList();
        return (page, rows[0].Total, rows[0].Walked > WalkCap);
    }

    private sealed record DescendantRow(string? Id, string? Relation, string? BaseModelId, int? Depth, bool? Resolved, string? Author,
        string? PipelineTag, long? Downloads, long? Likes, DateTimeOffset? CreatedAt, long Total, long Walked);

    public Task<List<FamilyEdge>> EdgesAmongAsync(IReadOnlyCollection<string> ids, GraphAsOf asOf, CancellationToken ct) =>
        Query<FamilyEdge>($"""
            SELECT e.model_id AS "ModelId", e.base_model_id AS "BaseModelId", e.relation AS "Relation" FROM lineage.edges e
            WHERE e.model_id = ANY(@ids) AND e.base_model_id = ANY(@ids) AND {asOf.Edges("e")}
            """, asOf, new NpgsqlParameter("ids", ids.ToArray())).ToListAsync(ct);

    /// <summary>
    /// The family below @id as CTE <c>below(model_id)</c>, without a depth limit; callers read at
    /// most <see cref="WalkCap"/> rows of it.
    /// </summary>
    internal static string Family(GraphAsOf asOf) => $"""
        below(model_id) AS (
            SELECT e.model_id FROM lineage.edges e WHERE e.base_model_id = @id AND {asOf.Edges("e")}
            UNION
            SELECT c.model_id FROM below b, LATERAL ({Children("b.model_id", asOf)}) c
        )
        """;

    /// <summary>
    /// The children of one walked model, as a LATERAL subquery: the OFFSET 0 keeps it a per-row
    /// index probe. Left to itself the planner merge-joins every level against all open edges
    /// (a full index scan per level), which is what made a 36k family take longer than the
    /// gateway's 15 s timeout.
    /// </summary>
    internal static string Children(string parent, GraphAsOf asOf) =>
        $"SELECT e.model_id, e.relation, e.base_model_id FROM lineage.edges e WHERE e.base_model_id = {parent} AND {asOf.Edges("e")} OFFSET 0";

    internal static NpgsqlParameter Id(string id) => new("id", id);

    internal IQueryable<T> Query<T>(string sql, GraphAsOf asOf, params NpgsqlParameter[] parameters) =>
        db.Database.SqlQueryRaw<T>(sql, [.. parameters, .. asOf.Parameters()]);
}
