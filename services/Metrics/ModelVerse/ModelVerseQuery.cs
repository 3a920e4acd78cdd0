using Microsoft.EntityFrameworkCore;
using HubPlatform.Metrics.Dimensions;
using HubPlatform.Metrics.Infrastructure;
using HubPlatform.Metrics.Queries;

namespace HubPlatform.Metrics.ModelVerse;

/// <summary>The filters every ModelVerse view takes.</summary>
public sealed record ModelFilter(
    Guid? Snapshot, string? PipelineTag, string? Modality, long? MinParameters, long? MaxParameters,
    DateTimeOffset? CreatedFrom, DateTimeOffset? CreatedTo, string? OrgType = null);

public sealed record OrganizationShare(string Organization, double Value, double Share, long Models);

public sealed record OrganizationRanking(Guid SnapshotId, string Metric, double Total, long TotalModels, IReadOnlyList<OrganizationShare> Top,
    OrganizationShare Others);

public sealed record TreemapModel(string Id, double Value);

public sealed record TreemapOrganization(string Organization, double Value, IReadOnlyList<TreemapModel> Models);

/// <summary>
/// "Which organizations contribute which models": one snapshot's facts joined to model
/// dimensions, filtered, grouped by organization (the repo namespace), with the rest as "others".
/// </summary>
public sealed class ModelVerseQuery(MetricsDbContext db)
{
    /// <summary>"count" and "models" are the same metric: the number of models.</summary>
    public static readonly string[] Metrics = ["downloads", "downloadsAllTime", "likes", "count", "models"];

    // Member-init (not a positional record) so EF can translate grouping over it.
    private sealed class Row
    {
        public string ModelId { get; init; } = "";
        public string Author { get; init; } = "";
        public double Value { get; init; }
    }

    private IQueryable<Row> Rows(Guid snapshot, string metric, ModelFilter f)
    {
        var tags = f.Modality is null ? null : Modality.PipelineTags[f.Modality];
        var rows = db.ModelFacts.Where(x => x.SnapshotId == snapshot)
            .Join(db.Models, x => x.ModelId, m => m.Id, (x, m) => new { x, m });
        if (f.PipelineTag is not null) rows = rows.Where(r => r.m.PipelineTag == f.PipelineTag);
        if (tags is not null) rows = rows.Where(r => r.m.PipelineTag != null && tags.Contains(r.m.PipelineTag));
        if (f.MinParameters is not null) rows = rows.Where(r => r.m.ParameterCount >= f.MinParameters);
        if (f.MaxParameters is not null) rows = rows.Where(r => r.m.ParameterCount <= f.MaxParameters);
        if (f.CreatedFrom is not null) rows = rows.Where(r => r.m.CreatedAt >= f.CreatedFrom);
        if (f.CreatedTo is not null) rows = rows.Where(r => r.m.CreatedAt < f.CreatedTo);
        // An author without a row would be an individual (every author gets one with its first page).
        if (f.OrgType == OrgTypes.Individual) rows = rows.Where(r =>
            !db.Organizations.Any(o => o.Name == r.m.Author && o.OrgType != OrgTypes.Individual));
        else if (f.OrgType is not null) rows = rows.Where(r => db.Organizations.Any(o => o.Name == r.m.Author && o.OrgType == f.OrgType));
        return rows.Select(r => new Row
        {
            ModelId = r.m.Id,
            Author = r.m.Author,
            Value = metric == "downloads" ? r.x.Downloads
                : metric == "downloadsAllTime" ? r.x.DownloadsAllTime ?? 0
                : metric == "likes" ? r.x.Likes
                : 1.0,
        });
    }

    private sealed class OrganizationRow
    {
        public string? Organization { get; init; }
        public double Value { get; init; }
        public long Models { get; init; }
    }

    private static OrganizationRanking Ranking(Guid snapshot, string metric, int k, IReadOnlyList<OrganizationRow> sorted, double total,
        long totalModels)
    {
        double Share(double v) => total > 0 ? v / total : 0;
        var top = sorted.Take(k).Select(o => new OrganizationShare(o.Organization!, o.Value, Share(o.Value), o.Models)).ToList();
        var othersValue = total - top.Sum(o => o.Value);
        return new OrganizationRanking(snapshot, metric, total, totalModels, top,
            new OrganizationShare("others", othersValue, Share(othersValue), totalModels - top.Sum(o => o.Models)));
    }

    public async Task<OrganizationRanking> TopOrganizationsAsync(Guid snapshot, string metric, int k, ModelFilter f, CancellationToken ct)
    {
        if (f is { CreatedFrom: null, CreatedTo: null } && await SnapshotAggregates.OrgTypesReadAtAsync(db, snapshot, ct) is { } readAt)
        {
            var (top, total, models) = f is { MinParameters: null, MaxParameters: null } ? await FromTotalsAsync(snapshot, readAt, metric, k, f, ct)
                : f is { PipelineTag: null, Modality: null, OrgType: null }
                  && await new ParameterRange(db)
                      .FromRankingsAsync(snapshot, metric, k, f.MinParameters ?? long.MinValue, f.MaxParameters ?? long.MaxValue, ct) is { } ranked
                    ? ranked
                    : await FromParameterFactsAsync(snapshot, metric, k, f, ct);
            return Ranking(snapshot, metric, k, top.Select(t => new OrganizationRow { Organization = t.Key, Value = t.Value, Models = t.Count })
                .ToList(), total, models);
        }
        var byOrg = (await Rows(snapshot, metric, f).GroupBy(r => r.Author)
                .Select(g => new OrganizationRow { Organization = g.Key, Value = g.Sum(r => r.Value), Models = g.LongCount() })
                .ToListAsync(ct))
            .OrderByDescending(g => g.Value).ThenBy(g => g.Organization, StringComparer.Ordinal).ToList();
        return Ranking(snapshot, metric, k, byOrg, byOrg.Sum(o => o.Value), byOrg.Sum(o => o.Models));
    }

    /// <summary>
    /// From the snapshot's per-author totals (SnapshotAggregates): per author and pipeline tag when a tag filters, per
    /// author and modality when a modality does, else per author; the top k through the metric's index. The totals
    /// are the per-tag sums of the snapshot (a few dozen rows), or, with an org type, its org-type totals (OrgTypeSums).
    /// </summary>
    private async Task<(List<KeyedTotal> Top, double Total, long Models)> FromTotalsAsync(Guid snapshot, DateTimeOffset readAt, string metric, int k,
        ModelFilter f, CancellationToken ct)
    {
        var value = AggregateMetric.Column(metric, "t.models");
        var table = f.PipelineTag is not null ? "model_tag_totals" : f.Modality is not null ? "model_modality_totals" : "model_organization_totals";
        SqlText Where(SqlText sql, string from)
        {
            sql.Append($" FROM metrics.{from} t WHERE t.snapshot_id = {sql.P(snapshot)}");
            if (f.PipelineTag is not null) sql.Append($" AND t.pipeline_tag = {sql.P(f.PipelineTag)}");
            if (f.Modality is not null && from != "model_modality_totals")
            {
                sql.Append($" AND t.pipeline_tag = ANY({sql.P(Modality.PipelineTags[f.Modality])})");
            }
            if (f.Modality is not null && from == "model_modality_totals") sql.Append($" AND t.modality = {sql.P(f.Modality)}");
            if (f.OrgType is not null) sql.Append(TopAuthors.OrgType(sql, f.OrgType));
            return sql;
        }
        var top = TopAuthors.Ranked(Where(new SqlText($"""SELECT t.author AS "Key", ({value})::float8 AS "Value", t.models AS "Count" """), table),
            value, k);
        var totals = f.OrgType is null
            ? Where(new SqlText($"""
                SELECT NULL AS "Key", coalesce(sum({value}), 0)::float8 AS "Value", coalesce(sum(t.models), 0)::bigint AS "Count"
                """), "pipeline_tag_totals")
            : f is { PipelineTag: { } tag, Modality: { } modality } && !Modality.PipelineTags[modality].Contains(tag)
                ? new SqlText("""SELECT NULL AS "Key", 0::float8 AS "Value", 0::bigint AS "Count" """)
                : OrgTypeSums.Total(snapshot, readAt, OrgTypeTotals.Of(table), f.PipelineTag ?? f.Modality ?? "",
                    metric, f.OrgType);
        return await TopAuthors.ListAsync(top, totals, db, ct);
    }

    /// <summary>
    /// A parameter range from the snapshot's models with a parameter count, kept in parameter order
    /// (model_parameter_facts): one index range grouped by author, instead of the facts joined to every model.
    /// </summary>
    private async Task<(List<KeyedTotal> Top, double Total, long Models)> FromParameterFactsAsync(Guid snapshot, string metric, int k, ModelFilter f,
        CancellationToken ct)
    {
        var value = AggregateMetric.Column(metric, "1");
        var sql = new SqlText($"""
            WITH g AS (SELECT t.author, sum({value})::float8 AS value, count(*) AS models FROM metrics.model_parameter_facts t
            """);
        sql.Append($" WHERE t.snapshot_id = {sql.P(snapshot)} AND t.parameter_count >= {sql.P(f.MinParameters ?? long.MinValue)} AND " +
                   $"t.parameter_count <= {sql.P(f.MaxParameters ?? long.MaxValue)}");
        TaskFilters(sql, f);
        if (f.OrgType is not null) sql.Append(TopAuthors.OrgType(sql, f.OrgType));
        sql.Append($"""
             GROUP BY t.author)
            (SELECT g.author AS "Key", g.value AS "Value", g.models AS "Count" FROM g ORDER BY g.value DESC, g.author COLLATE "C" LIMIT {sql.P(k)})
            UNION ALL
            (SELECT NULL, coalesce(sum(g.value), 0)::float8, coalesce(sum(g.models), 0)::bigint FROM g)
            """);
        return await TopAuthors.ListAsync(sql, db, ct);
    }

    /// <summary>The pipeline-tag and modality conditions on a row <c>t</c> of the aggregates that keep one row per model.</summary>
    private static void TaskFilters(SqlText sql, ModelFilter f)
    {
        if (f.PipelineTag is not null) sql.Append($" AND t.pipeline_tag = {sql.P(f.PipelineTag)}");
        if (f.Modality is not null) sql.Append($" AND t.pipeline_tag = ANY({sql.P(Modality.PipelineTags[f.Modality])})");
    }

    /// <summary>Top organizations with their top models, ready for a treemap (organization → model).</summary>
    public async Task<IReadOnlyList<TreemapOrganization>> TreemapAsync(Guid snapshot, string metric, int k, int modelsPerOrganization,
        ModelFilter filter, CancellationToken ct)
    {
        var ranking = await TopOrganizationsAsync(snapshot, metric, k, filter, ct);
        var organizations = ranking.Top.Select(o => o.Organization).ToArray();
        var models = filter is { CreatedFrom: null, CreatedTo: null } && await SnapshotAggregates.IsBuiltAsync(db, snapshot, ct)
            ? await TopModelsAsync(snapshot, metric, organizations, modelsPerOrganization, filter, ct)
            : await Rows(snapshot, metric, filter).Where(r => organizations.Contains(r.Author)).ToListAsync(ct);
        var byOrg = models.GroupBy(m => m.Author)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(m => m.Value).ThenBy(m => m.ModelId, StringComparer.Ordinal)
            .Take(modelsPerOrganization).Select(m => new TreemapModel(m.ModelId, m.Value)).ToList());
        return ranking.Top.Select(o => new TreemapOrganization(o.Organization, o.Value, byOrg.GetValueOrDefault(o.Organization) ?? []))
            .Append(new TreemapOrganization("others", ranking.Others.Value, []))
            .ToList();
    }

    /// <summary>
    /// Each organization's top models from the snapshot's models in author order (model_author_facts): the first rows of the
    /// metric's index for that author (its key, by id, for "count"), skipping those the filters leave out. The organizations
    /// come from a ranking under the same filter, so their org type needs no second look.
    /// </summary>
    private async Task<List<Row>> TopModelsAsync(Guid snapshot, string metric, string[] organizations, int perOrganization, ModelFilter f,
        CancellationToken ct)
    {
        var value = AggregateMetric.Column(metric, "1");
        var sql = new SqlText();
        sql.Append($"""
            SELECT x.model_id AS "ModelId", o.author AS "Author", x.value AS "Value" FROM unnest({sql.P(organizations)}::text[]) o(author)
            CROSS JOIN LATERAL (
                SELECT t.model_id, ({value})::float8 AS value FROM metrics.model_author_facts t
                WHERE t.snapshot_id = {sql.P(snapshot)} AND t.author = o.author
            """);
        TaskFilters(sql, f);
        if (f.MinParameters is not null) sql.Append($" AND t.parameter_count >= {sql.P(f.MinParameters)}");
        if (f.MaxParameters is not null) sql.Append($" AND t.parameter_count <= {sql.P(f.MaxParameters)}");
        // "count" values every model 1: its order is the ids' (the key's); an integer alone in ORDER BY would name a column.
        sql.Append($" ORDER BY {(value == "1" ? "" : $"{value} DESC, ")}t.model_id LIMIT {sql.P(perOrganization)}) x");
        return await sql.ListAsync<Row>(db, ct);
    }
}
