using HubPlatform.Metrics.Dimensions;
using HubPlatform.Metrics.Infrastructure;
using HubPlatform.Metrics.ModelVerse;

namespace HubPlatform.Metrics.Queries;

public sealed record OrganizationDownloads(string Name, long Downloads, double Share);

public sealed record OrgTypeDownloads(string OrgType, long Downloads, double Share);

public sealed record ModalityModels(string Modality, long Models, long Downloads);

/// <summary>The headline numbers of a snapshot. Downloads here are model downloads (last 30 days), the number reports quote.</summary>
public sealed record EcosystemSummary(Guid SnapshotId, DateTimeOffset At, long Models, long Datasets, long Spaces, long Organizations,
    double DerivativeShare, IReadOnlyList<OrganizationDownloads> TopOrganizations, IReadOnlyList<OrgTypeDownloads> DownloadsByOrgType,
    IReadOnlyList<ModalityModels> Modalities);

public sealed class SummaryQuery(MetricsDbContext db)
{
    private sealed class Count
    {
        public string Key { get; init; } = "";
        public long Value { get; init; }
    }

    private sealed class Grouped
    {
        public string Key { get; init; } = "";
        public long Models { get; init; }
        public long Downloads { get; init; }
    }

    public async Task<EcosystemSummary> SummaryAsync(SnapshotRef snapshot, CancellationToken ct)
    {
        var counts = new SqlText();
        var s = counts.P(snapshot.Id);
        counts.Append($"""
            SELECT 'models' AS "Key", count(*) AS "Value" FROM metrics.model_facts WHERE snapshot_id = {s}
            UNION ALL SELECT 'datasets', count(*) FROM metrics.dataset_facts WHERE snapshot_id = {s}
            UNION ALL SELECT 'spaces', count(*) FROM metrics.space_facts WHERE snapshot_id = {s}
            UNION ALL SELECT 'derivatives', count(*) FROM metrics.model_facts f JOIN metrics.models m ON m.id = f.model_id WHERE f.snapshot_id = {s}
                AND m.is_derivative
            UNION ALL SELECT 'organizations', count(DISTINCT a.author) FROM (
                SELECT m.author FROM metrics.model_facts f JOIN metrics.models m ON m.id = f.model_id WHERE f.snapshot_id = {s}
                UNION ALL SELECT d.author FROM metrics.dataset_facts f JOIN metrics.datasets d ON d.id = f.dataset_id WHERE f.snapshot_id = {s}
                UNION ALL SELECT p.author FROM metrics.space_facts f JOIN metrics.spaces p ON p.id = f.space_id WHERE f.snapshot_id = {s}) a
            """);
        var c = (await counts.ListAsync<Count>(db, ct)).ToDictionary(x => x.Key, x => x.Value);

        var byAuthor = await Group("m.author", snapshot.Id, ct);
        var byOrgType = await Group("coalesce(o.org_type, 'individual')", snapshot.Id, ct);
        var byTag = await Group("coalesce(m.pipeline_tag, '')", snapshot.Id, ct);
        var total = byAuthor.Sum(a => a.Downloads);
        double Share(long v) => total > 0 ? (double)v / total : 0;

        var modalityOf = Modality.PipelineTags.SelectMany(m => m.Value.Select(t => (Tag: t, Modality: m.Key)))
            .ToDictionary(x => x.Tag, x => x.Modality);
        var modalities = byTag.GroupBy(t => modalityOf.GetValueOrDefault(t.Key) ?? "unknown")
            .Select(g => new ModalityModels(g.Key, g.Sum(t => t.Models), g.Sum(t => t.Downloads)))
            .OrderByDescending(m => m.Downloads).ThenBy(m => m.Modality, StringComparer.Ordinal).ToList();
        return new EcosystemSummary(snapshot.Id, snapshot.At, c["models"], c["datasets"], c["spaces"], c["organizations"],
            c["models"] > 0 ? (double)c["derivatives"] / c["models"] : 0,
            byAuthor.OrderByDescending(a => a.Downloads).ThenBy(a => a.Key, StringComparer.Ordinal).Take(10)
                .Select(a => new OrganizationDownloads(a.Key, a.Downloads, Share(a.Downloads))).ToList(),
            OrgTypes.All.Select(t =>
            new OrgTypeDownloads(t, byOrgType.FirstOrDefault(x => x.Key == t)?.Downloads ?? 0,
            Share(byOrgType.FirstOrDefault(x => x.Key == t)?.Downloads ?? 0)))
                .OrderByDescending(t => t.Downloads).ThenBy(t => t.OrgType, StringComparer.Ordinal).ToList(),
            modalities);
    }

    /// <summary>Models and their downloads of one snapshot grouped by a fixed key expression.</summary>
    private Task<List<Grouped>> Group(string key, Guid snapshot, CancellationToken ct)
    {
        var sql = new SqlText();
        sql.Append($"""
            SELECT {key} AS "Key", count(*) AS "Models", coalesce(sum(f.downloads), 0)::bigint AS "Downloads"
            FROM metrics.model_facts f JOIN metrics.models m ON m.id = f.model_id LEFT JOIN metrics.organizations o ON o.name = m.author
            WHERE f.snapshot_id = {sql.P(snapshot)} GROUP BY 1
            """);
        return sql.ListAsync<Grouped>(db, ct);
    }
}
