using HubPlatform.Metrics.Dimensions;
using HubPlatform.Metrics.Infrastructure;

namespace HubPlatform.Metrics.Queries;

/// <summary>The filters every DataVerse view takes.</summary>
public sealed record DatasetFilter(string? TaskCategory, string? Domain, string? Modality, string? License, string? OrgType);

public sealed record DatasetOrganizationShare(string Organization, double Value, double Share, long Datasets);

public sealed record DatasetOrganizationRanking(Guid SnapshotId, string Metric, double Total, long TotalDatasets,
    IReadOnlyList<DatasetOrganizationShare> Top, DatasetOrganizationShare Others);

public sealed record TreemapDataset(string Id, double Value);

public sealed record DatasetTreemapOrganization(string Organization, double Value, IReadOnlyList<TreemapDataset> Datasets);

public sealed record BreakdownItem(string Key, double Value, long Datasets, double Share);

public sealed record DatasetBreakdown(Guid SnapshotId, string By, string Metric, double Total, IReadOnlyList<BreakdownItem> Items);

public sealed record TopDataset(string Id, string Author, long Downloads, long Likes, string[] TaskCategories, string[] Domains, bool IsBenchmark);

/// <summary>
/// DataVerse: "which organizations publish which datasets", one snapshot's dataset facts joined
/// to dataset dimensions and author rows, filtered, grouped by organization or by a dimension.
/// </summary>
public sealed class DataVerseQuery(MetricsDbContext db)
{
    public static readonly string[] Metrics = ["downloads", "downloadsAllTime", "likes", "count"];

    /// <summary>
    /// Breakdown keys and the SQL that yields a dataset's keys: the snapshot aggregates' dimensions, and org type, read live (from the
    /// facts when filtered; unfiltered, from the org-type totals, corrected for reclassified authors).
    /// </summary>
    private static readonly Dictionary<string, string> Keys = SnapshotAggregates.DatasetDimensions
        .Append((Dimension: "orgType", KeySql: "coalesce(o.org_type, 'individual')"))
        .ToDictionary(k => k.Dimension, k => k.KeySql);

    public static IReadOnlyCollection<string> BreakdownKeys => Keys.Keys;

    private static string MetricSql(string metric) => metric switch
    {
        "downloads" => "f.downloads",
        "downloadsAllTime" => "coalesce(f.downloads_all_time, 0)",
        "likes" => "f.likes",
        _ => "1",
    };

    private sealed class Group
    {
        public string Key { get; init; } = "";
        public double Value { get; init; }
        public long Count { get; init; }
    }

    private sealed class Item
    {
        public string Id { get; init; } = "";
        public string Author { get; init; } = "";
        public double Value { get; init; }
    }

    private sealed class TopRow
    {
        public string Id { get; init; } = "";
        public string Author { get; init; } = "";
        public long Downloads { get; init; }
        public long Likes { get; init; }
        public string[] TaskCategories { get; init; } = [];
        public string[] Domains { get; init; } = [];
        public bool IsBenchmark { get; init; }
    }

    /// <summary>FROM and WHERE of one snapshot's filtered datasets.</summary>
    private static SqlText From(SqlText sql, Guid snapshot, DatasetFilter f)
    {
        sql.Append($"""
             FROM metrics.dataset_facts f JOIN metrics.datasets d ON d.id = f.dataset_id
             LEFT JOIN metrics.organizations o ON o.name = d.author
             WHERE f.snapshot_id = {sql.P(snapshot)}
            """);
        if (f.TaskCategory is not null) sql.Append($" AND {sql.P(f.TaskCategory)} = ANY(d.task_categories)");
        if (f.Domain == DatasetDomains.None)
        {
            // "none" is the breakdowns' bucket of datasets without a domain: the filter means the same.
            sql.Append(" AND cardinality(d.domains) = 0");
        }
        else if (f.Domain is not null)
        {
            sql.Append($" AND {sql.P(f.Domain)} = ANY(d.domains)");
        }
        if (f.Modality is not null) sql.Append($" AND {sql.P(f.Modality)} = ANY(d.modalities)");
        if (f.License is not null) sql.Append($" AND d.license = {sql.P(f.License)}");
        if (f.OrgType is not null) sql.Append($" AND coalesce(o.org_type, 'individual') = {sql.P(f.OrgType)}");
        return sql;
    }

    /// <summary>
    /// Per-organization values: from the snapshot's per-author totals (SnapshotAggregates) when no
    /// filter but org type is set and they are built, else from the facts joined to the datasets.
    /// </summary>
    private async Task<(List<Group> Sorted, double Total, long Datasets)> ByOrganizationAsync(Guid snapshot, string metric, int k, DatasetFilter f,
        CancellationToken ct)
    {
        if (f is { TaskCategory: null, Domain: null, Modality: null, License: null }
            && await SnapshotAggregates.OrgTypesReadAtAsync(db, snapshot, ct) is { } readAt)
        {
            var value = AggregateMetric.Column(metric, "t.datasets");
            var top = new SqlText($"""
                SELECT t.author AS "Key", ({value})::float8 AS "Value", t.datasets AS "Count" FROM metrics.dataset_organization_totals t
                """);
            top.Append($" WHERE t.snapshot_id = {top.P(snapshot)}");
            if (f.OrgType is not null) top.Append(TopAuthors.OrgType(top, f.OrgType));
            // Unfiltered, the totals are the license rows of the dimension totals (one license per dataset: a few dozen rows);
            // with an org type, that type's row of the org-type totals.
            var totals = f.OrgType is null
                ? LicenseTotals(snapshot, value)
                : OrgTypeSums.Total(snapshot, readAt, OrgTypeTotals.Of("dataset_organization_totals"), "", metric, f.OrgType);
            var (ranked, total, datasets) = await TopAuthors.ListAsync(TopAuthors.Ranked(top, value, k), totals, db, ct);
            return (ranked.Select(t => new Group { Key = t.Key!, Value = t.Value, Count = t.Count }).ToList(), total, datasets);
        }
        var facts = new SqlText($"""SELECT d.author AS "Key", sum({MetricSql(metric)})::float8 AS "Value", count(*) AS "Count" """);
        From(facts, snapshot, f).Append(" GROUP BY d.author");
        var all = (await facts.ListAsync<Group>(db, ct)).OrderByDescending(g => g.Value).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
        return (all, all.Sum(g => g.Value), all.Sum(g => g.Count));
    }

    public async Task<DatasetOrganizationRanking> TopOrganizationsAsync(Guid snapshot, string metric, int k, DatasetFilter filter,
        CancellationToken ct)
    {
        var (byOrg, total, datasets) = await ByOrganizationAsync(snapshot, metric, k, filter, ct);
        double Share(double v) => total > 0 ? v / total : 0;
        var top = byOrg.Take(k).Select(o => new DatasetOrganizationShare(o.Key, o.Value, Share(o.Value), o.Count)).ToList();
        var others = total - top.Sum(o => o.Value);
        return new DatasetOrganizationRanking(snapshot, metric, total, datasets, top,
            new DatasetOrganizationShare("others", others, Share(others), datasets - top.Sum(o => o.Datasets)));
    }

    public async Task<IReadOnlyList<DatasetTreemapOrganization>> TreemapAsync(Guid snapshot, string metric, int k, int datasetsPerOrganization,
        DatasetFilter filter, CancellationToken ct)
    {
        var ranking = await TopOrganizationsAsync(snapshot, metric, k, filter, ct);
        var organizations = ranking.Top.Select(o => o.Organization).ToArray();
        var sql = new SqlText($"""SELECT d.id AS "Id", d.author AS "Author", ({MetricSql(metric)})::float8 AS "Value" """);
        From(sql, snapshot, filter).Append($" AND d.author = ANY({sql.P(organizations)})");
        var datasets = await sql.ListAsync<Item>(db, ct);
        var byOrg = datasets.GroupBy(d => d.Author)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(d => d.Value).ThenBy(d => d.Id, StringComparer.Ordinal)
            .Take(datasetsPerOrganization).Select(d => new TreemapDataset(d.Id, d.Value)).ToList());
        return ranking.Top.Select(o => new DatasetTreemapOrganization(o.Organization, o.Value, byOrg.GetValueOrDefault(o.Organization) ?? []))
            .Append(new DatasetTreemapOrganization("others", ranking.Others.Value, []))
            .ToList();
    }

    public async Task<DatasetBreakdown> BreakdownAsync(Guid snapshot, string by, string metric, DatasetFilter filter, CancellationToken ct)
    {
        var (total, groups) = filter is { TaskCategory: null, Domain: null, Modality: null, License: null, OrgType: null }
                              && await SnapshotAggregates.OrgTypesReadAtAsync(db, snapshot, ct) is { } readAt
            ? by == "orgType"
                ? await BreakdownByOrgTypeAsync(snapshot, readAt, metric, ct)
                : await BreakdownFromAggregateAsync(snapshot, by, metric, ct)
            : await BreakdownFromFactsAsync(snapshot, by, metric, filter, ct);
        var items = groups
            .OrderByDescending(g => g.Value).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new BreakdownItem(g.Key, g.Value, g.Count, total > 0 ? g.Value / total : 0))
            .ToList();
        return new DatasetBreakdown(snapshot, by, metric, total, items);
    }

    /// <summary>
    /// An unfiltered breakdown from the snapshot's per-dimension totals: a few hundred rows. The total is the sum of the
    /// license rows, a dimension with exactly one value per dataset (an array dimension counts a dataset more than once).
    /// </summary>
    private async Task<(double Total, List<Group> Groups)> BreakdownFromAggregateAsync(Guid snapshot, string by, string metric, CancellationToken ct)
    {
        var value = AggregateMetric.Column(metric, "t.datasets");
        var sql = new SqlText();
        sql.Append($"""
            SELECT t.key AS "Key", ({value})::float8 AS "Value", t.datasets AS "Count" FROM metrics.dataset_dimension_totals t
            WHERE t.snapshot_id = {sql.P(snapshot)} AND t.dimension = {sql.P(by)}
            UNION ALL
            SELECT NULL, coalesce(sum({value}), 0)::float8, coalesce(sum(t.datasets), 0)::bigint FROM metrics.dataset_dimension_totals t
            WHERE t.snapshot_id = {sql.P(snapshot)} AND t.dimension = 'license'
            """);
        var rows = await sql.ListAsync<KeyedTotal>(db, ct);
        return (rows.Single(r => r.Key is null).Value, rows.Where(r => r.Key is not null)
            .Select(r => new Group { Key = r.Key!, Value = r.Value, Count = r.Count }).ToList());
    }

    private static SqlText LicenseTotals(Guid snapshot, string value)
    {
        var sql = new SqlText($"""
            SELECT NULL AS "Key", coalesce(sum({value}), 0)::float8 AS "Value", coalesce(sum(t.datasets), 0)::bigint AS "Count"
            FROM metrics.dataset_dimension_totals t WHERE t.dimension = 'license'
            """);
        return sql.Append($" AND t.snapshot_id = {sql.P(snapshot)}");
    }

    /// <summary>An unfiltered breakdown by org type from the snapshot's org-type totals (OrgTypeSums): one row per org type.</summary>
    private async Task<(double Total, List<Group> Groups)> BreakdownByOrgTypeAsync(Guid snapshot, DateTimeOffset readAt, string metric,
        CancellationToken ct)
    {
        var rows = await OrgTypeSums.ByOrgType(snapshot, readAt, OrgTypeTotals.Of("dataset_organization_totals"), "", metric)
            .ListAsync<KeyedTotal>(db, ct);
        return (rows.Sum(r => r.Value), rows.Select(r => new Group { Key = r.Key!, Value = r.Value, Count = r.Count }).ToList());
    }

    private async Task<(double Total, List<Group> Groups)> BreakdownFromFactsAsync(Guid snapshot, string by, string metric, DatasetFilter filter,
        CancellationToken ct)
    {
        var totalSql = new SqlText($"""SELECT 'total' AS "Key", coalesce(sum({MetricSql(metric)}), 0)::float8 AS "Value", count(*) AS "Count" """);
        var total = (await From(totalSql, snapshot, filter).ListAsync<Group>(db, ct)).Single().Value;
        var sql = new SqlText($"""
            SELECT k.key AS "Key", sum(k.value)::float8 AS "Value", count(*) AS "Count" FROM (SELECT {Keys[by]} AS key, {MetricSql(metric)} AS value
            """);
        From(sql, snapshot, filter).Append(") k GROUP BY k.key");
        return (total, await sql.ListAsync<Group>(db, ct));
    }

    public async Task<IReadOnlyList<TopDataset>> TopDatasetsAsync(Guid snapshot, int k, bool? benchmark, CancellationToken ct)
    {
        var sql = new SqlText("""
            SELECT d.id AS "Id", d.author AS "Author", f.downloads AS "Downloads", f.likes AS "Likes", d.task_categories AS "TaskCategories",
                   d.domains AS "Domains", d.is_benchmark AS "IsBenchmark"
            """);
        From(sql, snapshot, new DatasetFilter(null, null, null, null, null));
        if (benchmark is { } b) sql.Append($" AND d.is_benchmark = {sql.P(b)}");
        sql.Append($" ORDER BY f.downloads DESC, d.id LIMIT {sql.P(k)}");
        return (await sql.ListAsync<TopRow>(db, ct))
            .Select(r => new TopDataset(r.Id, r.Author, r.Downloads, r.Likes, r.TaskCategories, r.Domains, r.IsBenchmark)).ToList();
    }
}
