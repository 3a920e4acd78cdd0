using HubPlatform.Metrics.Infrastructure;

namespace HubPlatform.Metrics.Queries;

public sealed record LifecyclePoint(int AgeWeeks, double MedianDownloads, double ShareDownloaded);

/// <summary>Models released in one period (<c>2024-Q1</c> or <c>2024-03</c>) and their downloads by age.</summary>
public sealed record LifecycleCohort(string Cohort, long Models, IReadOnlyList<LifecyclePoint> Points);

public sealed record PersistentModel(string Id, int AgeWeeks, long Downloads);

public sealed record FadingModel(string Id, int AgeWeeks, long Peak, long Downloads);

public sealed record Lifecycles(IReadOnlyList<LifecycleCohort> Cohorts, double? HalfLifeWeeks, IReadOnlyList<PersistentModel> Persistent,
    IReadOnlyList<FadingModel> Fading);

/// <summary>
/// "The brief and wondrous life of open models": downloads against a model's age. Every fact
/// (a model seen by a snapshot) is one observation at age = snapshot time − creation time, in
/// whole weeks. Only full snapshots taken up to the one asked for count (an incremental crawl
/// sees only the models that changed, which would skew every share). Cohorts group models by the month or quarter they were created. For each cohort
/// and age: the median of the 30-day downloads and the share of models downloaded at all.
/// <para>Half-life: pooling all cohorts, the share still downloaded per age week; the half-life
/// is the first age where that share falls to half its value at age 0 (or the youngest age
/// observed), interpolated linearly between the two weeks around the crossing; null when it
/// never does.</para>
/// <para>Persistent: models at least 52 weeks old whose downloads in the snapshot are still at
/// least half of their peak over the snapshots up to it. Fading: models whose downloads in the snapshot
/// are below a tenth of their peak. Both lists show the top 20 (by downloads, by peak).</para>
/// </summary>
public sealed class LifecyclesQuery(MetricsDbContext db)
{
    public static readonly string[] CohortKinds = ["quarter", "month"];
    public static readonly string[] Metrics = ["downloads"];

    private sealed class Observation
    {
        public string Cohort { get; init; } = "";
        public int AgeWeeks { get; init; }
        public long Models { get; init; }
        public double MedianDownloads { get; init; }
        public long Downloaded { get; init; }
    }

    private sealed class CohortSize
    {
        public string Cohort { get; init; } = "";
        public long Models { get; init; }
    }

    private sealed class ModelRow
    {
        public string Id { get; init; } = "";
        public int AgeWeeks { get; init; }
        public long Peak { get; init; }
        public long Downloads { get; init; }
    }

    public async Task<Lifecycles> LifecyclesAsync(SnapshotRef snapshot, string cohort, CancellationToken ct)
    {
        var label = cohort == "month" ? "to_char(m.created_at AT TIME ZONE 'UTC', 'YYYY-MM')"
            : "to_char(m.created_at AT TIME ZONE 'UTC', 'YYYY') || '-Q' || to_char(m.created_at AT TIME ZONE 'UTC', 'Q')";
        var observed = new SqlText();
        var at = observed.P(snapshot.At);
        var observations = await observed.Append($"""
            SELECT o.cohort AS "Cohort", o.age AS "AgeWeeks", count(*) AS "Models",
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY o.downloads) AS "MedianDownloads", count(*) FILTER (WHERE o.downloads > 0) AS
                       "Downloaded"
            FROM (SELECT {label} AS cohort, floor(extract(epoch FROM s.started_at - m.created_at) / 604800)::int AS age, f.downloads
                  FROM metrics.model_facts f JOIN metrics.models m ON m.id = f.model_id JOIN metrics.snapshots s ON s.id = f.snapshot_id
                  WHERE s.kind = 'Full' AND s.started_at <= {at} AND m.created_at IS NOT NULL AND m.created_at <= s.started_at) o
            GROUP BY o.cohort, o.age
            """).ListAsync<Observation>(db, ct);
        var sized = new SqlText();
        var sizedAt = sized.P(snapshot.At);
        var sizes = (await sized.Append($"""
            SELECT c.cohort AS "Cohort", count(*) AS "Models" FROM (
                SELECT DISTINCT m.id, {label} AS cohort FROM metrics.model_facts f JOIN metrics.models m ON m.id = f.model_id
                JOIN metrics.snapshots s ON s.id = f.snapshot_id
                WHERE s.kind = 'Full' AND s.started_at <= {sizedAt} AND m.created_at IS NOT NULL AND m.created_at <= s.started_at) c
            GROUP BY c.cohort
            """).ListAsync<CohortSize>(db, ct)).ToDictionary(c => c.Cohort, c => c.Models);
        var cohorts = observations.GroupBy(o => o.Cohort).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new LifecycleCohort(g.Key, sizes.GetValueOrDefault(g.Key), g.OrderBy(o => o.AgeWeeks)
                .Select(o => new LifecyclePoint(o.AgeWeeks, o.MedianDownloads, (double)o.Downloaded / o.Models)).ToList()))
            .ToList();
        var pooled = observations.GroupBy(o => o.AgeWeeks).OrderBy(g => g.Key)
            .Select(g => (Age: g.Key, Share: (double)g.Sum(o => o.Downloaded) / g.Sum(o => o.Models))).ToList();

        var sql = new SqlText();
        var s = sql.P(snapshot.Id);
        var until = sql.P(snapshot.At);
        // Peaks in one grouped pass over the facts, not a lookup per model: with a partition per
        // snapshot (hourly incremental crawls included) a per-model lookup would probe every partition.
        sql.Append($"""
            WITH peak AS (SELECT h.model_id, max(h.downloads) AS peak FROM metrics.model_facts h
                          WHERE h.snapshot_id IN (SELECT hs.id FROM metrics.snapshots hs WHERE hs.started_at <= {until}) GROUP BY h.model_id)
            SELECT m.id AS "Id", floor(extract(epoch FROM {until} - m.created_at) / 604800)::int AS "AgeWeeks",
                   greatest(p.peak, f.downloads) AS "Peak", f.downloads AS "Downloads"
            FROM metrics.model_facts f JOIN metrics.models m ON m.id = f.model_id LEFT JOIN peak p ON p.model_id = f.model_id
            WHERE f.snapshot_id = {s} AND m.created_at IS NOT NULL
            """);
        var models = await sql.ListAsync<ModelRow>(db, ct);
        var persistent = models.Where(m => m.AgeWeeks >= 52 && m.Downloads > 0 && m.Downloads * 2 >= m.Peak)
            .OrderByDescending(m => m.Downloads).ThenBy(m => m.Id, StringComparer.Ordinal).Take(20)
            .Select(m => new PersistentModel(m.Id, m.AgeWeeks, m.Downloads)).ToList();
        var fading = models.Where(m => m.Peak > 0 && m.Downloads * 10 < m.Peak)
            .OrderByDescending(m => m.Peak).ThenBy(m => m.Id, StringComparer.Ordinal).Take(20)
            .Select(m => new FadingModel(m.Id, m.AgeWeeks, m.Peak, m.Downloads)).ToList();
        return new Lifecycles(cohorts, HalfLife(pooled), persistent, fading);
    }

    /// <summary>The age where the share still downloaded first falls to half its youngest value, linearly interpolated.</summary>
    public static double? HalfLife(IReadOnlyList<(int Age, double Share)> shares)
    {
        if (shares.Count == 0 || shares[0].Share <= 0)
        {
            return null;
        }
        var half = shares[0].Share / 2;
        for (var i = 1; i < shares.Count; i++)
        {
            if (shares[i].Share <= half)
            {
                var (a0, s0) = shares[i - 1];
                var (a1, s1) = shares[i];
                return s0 == s1 ? a1 : a0 + (s0 - half) / (s0 - s1) * (a1 - a0);
            }
        }
        return null;
    }
}
