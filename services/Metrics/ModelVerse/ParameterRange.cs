using HubPlatform.Metrics.Dimensions;
using HubPlatform.Metrics.Infrastructure;
using HubPlatform.Metrics.Queries;

namespace HubPlatform.Metrics.ModelVerse;

/// <summary>
/// A ModelVerse ranking over a parameter range from ParameterRankings: the run of whole size classes inside the range
/// (its top k + e authors and its totals), plus the models of the range in the partial classes at either end, summed
/// per author (e of them). Exact, as ParameterRankings explains; null when the range holds no whole class or its ends
/// have too many authors (the caller then groups the range's models).
/// </summary>
internal sealed class ParameterRange(MetricsDbContext db)
{
    public async Task<(List<KeyedTotal> Top, double Total, long Models)?> FromRankingsAsync(Guid snapshot, string metric, int k, long min, long max,
        CancellationToken ct)
    {
        var buckets = Enumerable.Range(0, ParameterBuckets.All.Length).ToArray();
        var lowest = buckets.Where(b => ParameterBuckets.Lowest(b) >= min).DefaultIfEmpty(-1).First();
        var highest = buckets.Where(b => ParameterBuckets.Highest(b) <= max).DefaultIfEmpty(-1).Last();
        if (lowest < 0 || highest < lowest)
        {
            return null;
        }
        var name = metric is "downloads" or "downloadsAllTime" or "likes" ? metric : "count";
        var value = AggregateMetric.Column(metric, "1");

        // The range's models outside the run: below its lowest class, above its highest.
        var ends = new SqlText($"""
            SELECT t.author AS "Key", sum({value})::float8 AS "Value", count(*) AS "Count" FROM metrics.model_parameter_facts t
            """);
        ends.Append($" WHERE t.snapshot_id = {ends.P(snapshot)} AND (t.parameter_count BETWEEN {ends.P(min)} AND " +
                    $"{ends.P(ParameterBuckets.Lowest(lowest) - 1)}");
        ends.Append(ParameterBuckets.Highest(highest) < max
            ? $" OR t.parameter_count BETWEEN {ends.P(ParameterBuckets.Highest(highest) + 1)} AND {ends.P(max)}) GROUP BY t.author"
            : ") GROUP BY t.author");
        var outside = await ends.ListAsync<KeyedTotal>(db, ct);
        if (k + outside.Count > ParameterRankings.Kept)
        {
            return null;
        }

        var run = new SqlText("""
            SELECT nullif(r.author, '') AS "Key", r.value::float8 AS "Value", r.models AS "Count" FROM metrics.parameter_rankings r
            """);
        run.Append($" WHERE r.snapshot_id = {run.P(snapshot)} AND r.lowest = {run.P((short)lowest)} AND r.highest = {run.P((short)highest)}");
        run.Append($" AND r.metric = {run.P(name)} AND r.rank <= {run.P((short)(k + outside.Count))}");
        var ranked = await run.ListAsync<KeyedTotal>(db, ct);
        var totals = ranked.Single(r => r.Key is null);
        var values = ranked.Where(r => r.Key is not null).ToDictionary(r => r.Key!, r => (r.Value, r.Count), StringComparer.Ordinal);

        // Authors at the ends the run's top does not hold: their run values, per class.
        var missing = outside.Select(o => o.Key!).Where(a => !values.ContainsKey(a)).ToArray();
        if (missing.Length > 0)
        {
            var column = AggregateMetric.Column(metric, "t.models");
            var lookup = new SqlText($"""
                SELECT t.author AS "Key", sum({column})::float8 AS "Value", sum(t.models)::bigint AS "Count" FROM metrics.parameter_bucket_totals t
                """);
            lookup.Append($" WHERE t.snapshot_id = {lookup.P(snapshot)} AND t.author = ANY({lookup.P(missing)}) AND t.bucket BETWEEN " +
                          $"{lookup.P((short)lowest)} AND {lookup.P((short)highest)} GROUP BY t.author");
            foreach (var r in await lookup.ListAsync<KeyedTotal>(db, ct))
            {
                values[r.Key!] = (r.Value, r.Count);
            }
        }
        foreach (var o in outside)
        {
            var (v, n) = values.GetValueOrDefault(o.Key!);
            values[o.Key!] = (v + o.Value, n + o.Count);
        }
        var top = values.Select(x => new KeyedTotal { Key = x.Key, Value = x.Value.Value, Count = x.Value.Count })
            .OrderByDescending(x => x.Value).ThenBy(x => x.Key, StringComparer.Ordinal).Take(k).ToList();
        return (top, totals.Value + outside.Sum(o => o.Value), totals.Count + outside.Sum(o => o.Count));
    }
}
