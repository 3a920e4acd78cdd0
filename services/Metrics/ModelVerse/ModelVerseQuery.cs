using Microsoft.EntityFrameworkCore;
using HubPlatform.Metrics.Infrastructure;
using HubPlatform.Metrics.Queries;

namespace HubPlatform.Metrics.ModelVerse;

/// <summary>The filters every ModelVerse view takes.</summary>
public sealed record ModelFilter(
    Guid? Snapshot, string? PipelineTag, string? Modality, long? MinParameters, long? MaxParameters,
    DateTimeOffset? CreatedFrom, DateTimeOffset? CreatedTo, string? OrgType = null);

public sealed record OrganizationShare(string Organization, double Value, double Share, long Models);

public sealed record OrganizationRanking(Guid SnapshotId, string Metric, double Total, long TotalModels, IReadOnlyList<OrganizationShare> Top, OrganizationShare Others);

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

    /// <summary>The snapshot ModelVerse describes by default: the latest full one (see SnapshotQuery).</summary>
    public async Task<Guid?> LatestSnapshotAsync(CancellationToken ct) =>
        (await new SnapshotQuery(db).ResolveAsync(null, ct))?.Id;

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
        if (f.OrgType is not null) rows = rows.Where(r => db.Organizations.Any(o => o.Name == r.m.Author && o.OrgType == f.OrgType));
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

    private static OrganizationRanking Ranking(Guid snapshot, string metric, int k, IReadOnlyList<OrganizationRow> sorted, double total, long totalModels)
    {
        double Share(double v) => total > 0 ? v / total : 0;
        var top = sorted.Take(k).Select(o => new OrganizationShare(o.Organization!, o.Value, Share(o.Value), o.Models)).ToList();
        var othersValue = total - top.Sum(o => o.Value);
        return new OrganizationRanking(snapshot, metric, total, totalModels, top,
            new OrganizationShare("others", othersValue, Share(othersValue), totalModels - top.Sum(o => o.Models)));
    }

    public async Task<OrganizationRanking> TopOrganizationsAsync(Guid snapshot, string metric, int k, ModelFilter f, CancellationToken ct)
    {
        if (f is { MinParameters: null, MaxParameters: null, CreatedFrom: null, CreatedTo: null } && await SnapshotAggregates.IsBuiltAsync(db, snapshot, ct))
        {
            return await FromAggregateAsync(snapshot, metric, k, f, ct);
        }
        var byOrg = (await Rows(snapshot, metric, f).GroupBy(r => r.Author)
                .Select(g => new OrganizationRow { Organization = g.Key, Value = g.Sum(r => r.Value), Models = g.LongCount() })
                .ToListAsync(ct))
            .OrderByDescending(g => g.Value).ThenBy(g => g.Organization, StringComparer.Ordinal).ToList();
        return Ranking(snapshot, metric, k, byOrg, byOrg.Sum(o => o.Value), byOrg.Sum(o => o.Models));
    }

    /// <summary>
    /// From the snapshot's per-author totals (per author and pipeline tag when a tag or modality
    /// filters), see SnapshotAggregates: only the top k rows and one row of totals leave Postgres.
    /// </summary>
    private async Task<OrganizationRanking> FromAggregateAsync(Guid snapshot, string metric, int k, ModelFilter f, CancellationToken ct)
    {
        var sql = new SqlText();
        var value = AggregateMetric.Column(metric, "t.models");
        var byTag = f.PipelineTag is not null || f.Modality is not null;
        sql.Append(byTag
            ? $"WITH g AS (SELECT t.author, sum({value})::float8 AS value, sum(t.models)::bigint AS repos FROM metrics.model_tag_totals t WHERE t.snapshot_id = {sql.P(snapshot)}"
            : $"WITH g AS (SELECT t.author, ({value})::float8 AS value, t.models AS repos FROM metrics.model_organization_totals t WHERE t.snapshot_id = {sql.P(snapshot)}");
        if (f.PipelineTag is not null) sql.Append($" AND t.pipeline_tag = {sql.P(f.PipelineTag)}");
        if (f.Modality is not null) sql.Append($" AND t.pipeline_tag = ANY({sql.P(Modality.PipelineTags[f.Modality])})");
        if (f.OrgType is not null) sql.Append($" AND EXISTS (SELECT 1 FROM metrics.organizations o WHERE o.name = t.author AND o.org_type = {sql.P(f.OrgType)})");
        if (byTag) sql.Append(" GROUP BY t.author");
        var (top, total, models) = await TopAuthors.ListAsync(sql, k, db, ct);
        return Ranking(snapshot, metric, k, top.Select(t => new OrganizationRow { Organization = t.Key, Value = t.Value, Models = t.Count }).ToList(), total, models);
    }

    /// <summary>Top organizations with their top models, ready for a treemap (organization → model).</summary>
    public async Task<IReadOnlyList<TreemapOrganization>> TreemapAsync(Guid snapshot, string metric, int k, int modelsPerOrganization, ModelFilter filter, CancellationToken ct)
    {
        var ranking = await TopOrganizationsAsync(snapshot, metric, k, filter, ct);
        var organizations = ranking.Top.Select(o => o.Organization).ToArray();
        var models = await Rows(snapshot, metric, filter).Where(r => organizations.Contains(r.Author)).ToListAsync(ct);
        var byOrg = models.GroupBy(m => m.Author).ToDictionary(g => g.Key, g => g.OrderByDescending(m => m.Value).ThenBy(m => m.ModelId, StringComparer.Ordinal)
            .Take(modelsPerOrganization).Select(m => new TreemapModel(m.ModelId, m.Value)).ToList());
        return ranking.Top.Select(o => new TreemapOrganization(o.Organization, o.Value, byOrg.GetValueOrDefault(o.Organization) ?? []))
            .Append(new TreemapOrganization("others", ranking.Others.Value, []))
            .ToList();
    }
}
