using HubPlatform.Metrics.Infrastructure;

namespace HubPlatform.Tests.Metrics.Unit;

/// <summary>The lanes the aggregates are built in: every aggregate table is built, by exactly one lane.</summary>
public class AggregateLanesTests
{
    [Fact]
    public void Every_aggregate_table_is_in_exactly_one_lane()
    {
        var laned = SnapshotAggregates.Lanes.SelectMany(lane => lane).ToList();
        Assert.Equal(laned.Count, laned.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(SnapshotAggregates.Tables.Order(StringComparer.Ordinal), laned.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Each_table_is_built_after_the_tables_it_reads_in_the_same_lane()
    {
        static (int Lane, int Position) Where(string table)
        {
            var lane = Array.FindIndex(SnapshotAggregates.Lanes, l => l.Contains(table));
            return (lane, Array.IndexOf(SnapshotAggregates.Lanes[lane], table));
        }
        (string Table, string Reads)[] readers =
        [
            (ActivityRanks.Table, "created_per_day"), (ParameterRankings.Table, "parameter_bucket_totals"),
            ("parameter_bucket_totals", "model_parameter_facts"), ("model_organization_totals", "model_tag_totals"),
            ("model_modality_totals", "model_tag_totals"), ("pipeline_tag_totals", "model_tag_totals"),
            ("model_tag_totals", "model_author_facts"), ("model_parameter_facts", "model_author_facts"),
            .. OrgTypeTotals.Sources.Select(s => (OrgTypeTotals.Table, s.Table)), (OrgTypeTotals.Table, OrgTypeTotals.AuthorsTable),
        ];
        foreach (var (table, reads) in readers)
        {
            var (lane, position) = Where(table);
            var (readsLane, readsPosition) = Where(reads);
            Assert.True(lane == readsLane && readsPosition < position, $"{table} reads {reads}: it must come later in the same lane");
        }
    }
}
