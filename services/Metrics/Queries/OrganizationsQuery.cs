using HubPlatform.Metrics.Infrastructure;

namespace HubPlatform.Metrics.Queries;

public sealed record OrganizationListItem(string Name, string? Type, string OrgType, string? ProviderGroup, long Models, long Datasets, long Spaces,
    long Downloads, long Likes);

public sealed record RepoDownloads(string Id, long Downloads);

public sealed record OrganizationDetails(string Name, string? Type, string? Fullname, string OrgType, string? ProviderGroup, bool IsVerified,
    long Models, long Datasets, long Spaces, long Downloads, long DownloadsAllTime, long Likes,
    IReadOnlyList<RepoDownloads> TopModels, IReadOnlyList<RepoDownloads> TopDatasets);

/// <summary>
/// Authors and what they published in one snapshot. Downloads are those of their models and
/// datasets (the Hub counts none for spaces); likes are those of all three kinds.
/// </summary>
public sealed class OrganizationsQuery(MetricsDbContext db)
{
    private sealed class Row
    {
        public string Name { get; init; } = "";
        public string? Type { get; init; }
        public string? Fullname { get; init; }
        public string OrgType { get; init; } = "";
        public string? ProviderGroup { get; init; }
        public bool IsVerified { get; init; }
        public long Models { get; init; }
        public long Datasets { get; init; }
        public long Spaces { get; init; }
        public long Downloads { get; init; }
        public long DownloadsAllTime { get; init; }
        public long Likes { get; init; }
    }

    private sealed class Repo
    {
        public string Id { get; init; } = "";
        public long Downloads { get; init; }
    }

    private static SqlText Totals(Guid snapshot)
    {
        var sql = new SqlText();
        var s = sql.P(snapshot);
        sql.Append($"""
            WITH r AS (
                SELECT m.author, 1 AS models, 0 AS datasets, 0 AS spaces, f.downloads, coalesce(f.downloads_all_time, 0) AS all_time, f.likes
                FROM metrics.model_facts f JOIN metrics.models m ON m.id = f.model_id WHERE f.snapshot_id = {s}
                UNION ALL
                SELECT d.author, 0, 1, 0, f.downloads, coalesce(f.downloads_all_time, 0), f.likes
                FROM metrics.dataset_facts f JOIN metrics.datasets d ON d.id = f.dataset_id WHERE f.snapshot_id = {s}
                UNION ALL
                SELECT p.author, 0, 0, 1, 0, 0, f.likes
                FROM metrics.space_facts f JOIN metrics.spaces p ON p.id = f.space_id WHERE f.snapshot_id = {s})
            SELECT o.name AS "Name", o.type AS "Type", o.fullname AS "Fullname", o.org_type AS "OrgType", o.provider_group AS "ProviderGroup",
                   o.is_verified AS "IsVerified", sum(r.models)::bigint AS "Models", sum(r.datasets)::bigint AS "Datasets", sum(r.spaces)::bigint AS
                       "Spaces",
                   sum(r.downloads)::bigint AS "Downloads", sum(r.all_time)::bigint AS "DownloadsAllTime", sum(r.likes)::bigint AS "Likes"
            FROM r JOIN metrics.organizations o ON o.name = r.author
            WHERE true
            """);
        return sql;
    }

    private const string GroupBy = " GROUP BY o.name, o.type, o.fullname, o.org_type, o.provider_group, o.is_verified";

    public async Task<IReadOnlyList<OrganizationListItem>> ListAsync(Guid snapshot, string? search, int k, string? orgType, CancellationToken ct)
    {
        var sql = Totals(snapshot);
        if (!string.IsNullOrWhiteSpace(search))
        {
            var pattern = "%" + search.Trim().Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
            var p = sql.P(pattern);
            sql.Append($" AND (o.name ILIKE {p} OR o.fullname ILIKE {p})");
        }
        if (orgType is not null) sql.Append($" AND o.org_type = {sql.P(orgType)}");
        sql.Append($"{GroupBy} ORDER BY \"Downloads\" DESC, o.name LIMIT {sql.P(k)}");
        return (await sql.ListAsync<Row>(db, ct))
            .Select(r => new OrganizationListItem(r.Name, r.Type, r.OrgType, r.ProviderGroup, r.Models, r.Datasets, r.Spaces, r.Downloads, r.Likes))
            .ToList();
    }

    /// <summary>One author (case-insensitive, as on the Hub), or null when the snapshot saw nothing of it.</summary>
    public async Task<OrganizationDetails?> DetailsAsync(Guid snapshot, string name, CancellationToken ct)
    {
        var sql = Totals(snapshot);
        sql.Append($" AND lower(o.name) = {sql.P(name.ToLowerInvariant())}{GroupBy}");
        if ((await sql.ListAsync<Row>(db, ct)).FirstOrDefault() is not { } r)
        {
            return null;
        }
        var models = new SqlText();
        models.Append($"""
            SELECT m.id AS "Id", f.downloads AS "Downloads" FROM metrics.model_facts f JOIN metrics.models m ON m.id = f.model_id
            WHERE f.snapshot_id = {models.P(snapshot)} AND m.author = {models.P(r.Name)} ORDER BY f.downloads DESC, m.id LIMIT 10
            """);
        var datasets = new SqlText();
        datasets.Append($"""
            SELECT d.id AS "Id", f.downloads AS "Downloads" FROM metrics.dataset_facts f JOIN metrics.datasets d ON d.id = f.dataset_id
            WHERE f.snapshot_id = {datasets.P(snapshot)} AND d.author = {datasets.P(r.Name)} ORDER BY f.downloads DESC, d.id LIMIT 10
            """);
        var topModels = (await models.ListAsync<Repo>(db, ct)).Select(x => new RepoDownloads(x.Id, x.Downloads)).ToList();
        var topDatasets = (await datasets.ListAsync<Repo>(db, ct)).Select(x => new RepoDownloads(x.Id, x.Downloads)).ToList();
        return new OrganizationDetails(r.Name, r.Type, r.Fullname, r.OrgType, r.ProviderGroup, r.IsVerified, r.Models, r.Datasets, r.Spaces,
            r.Downloads, r.DownloadsAllTime, r.Likes, topModels, topDatasets);
    }
}
