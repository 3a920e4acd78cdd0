using HubPlatform.Bench;
using HubPlatform.Bench.Reporting;

namespace HubPlatform.Tests.EndToEnd.Unit.Bench;

/// <summary>A scale-out run records a row in docs/SCALING.md and leaves the main report (section 2 measures the default deployment) alone.</summary>
public sealed class ScaleOutTableTests
{
    [Fact]
    public void A_scale_out_run_writes_its_row_and_no_main_report_unless_told()
    {
        var replicas = BenchOptions.Parse(["--only", "ingest", "--replicas", "2"]);
        Assert.Null(replicas.OutputPath);
        Assert.Equal("docs/SCALING.md", replicas.ScalingPath);
        Assert.Equal(2, replicas.Replicas);

        var both = BenchOptions.Parse(["--postgres-per-service", "--replicas", "2", "--out", "/tmp/x.md"]);
        Assert.True(both.PostgresPerService);
        Assert.Equal("/tmp/x.md", both.OutputPath);
        Assert.Equal("./hub bench --postgres-per-service --replicas 2", both.MeasuredCommand);
        Assert.Contains("a Postgres server per service", both.Deployment, StringComparison.Ordinal);

        var baseline = BenchOptions.Parse(["--only", "ingest"]);
        Assert.Equal("docs/BENCHMARKS.md", baseline.OutputPath);
        Assert.Null(baseline.ScalingPath);

        Assert.Throws<ArgumentException>(() => BenchOptions.Parse(["--replicas", "0"]));
    }

    [Fact]
    public void A_row_replaces_the_row_of_the_same_command_and_keeps_the_text_around()
    {
        var doc = "# Scaling\n\nBefore.\n\n" + ScaleOutTable.Start + "\n" + ScaleOutTable.End + "\n\nAfter.\n";

        doc = ScaleOutTable.Upsert(doc, Row("./hub bench --replicas 2", 100));
        doc = ScaleOutTable.Upsert(doc, Row("./hub bench --postgres-per-service", 80));
        doc = ScaleOutTable.Upsert(doc, Row("./hub bench --replicas 2", 50));

        var rows = doc.Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, rows.Count);
        Assert.StartsWith("| `./hub bench --replicas 2` |", rows[0], StringComparison.Ordinal);
        Assert.Contains("| **4,000** |", rows[0], StringComparison.Ordinal); // 200,000 models in 50 s
        Assert.StartsWith("| `./hub bench --postgres-per-service` |", rows[1], StringComparison.Ordinal);
        Assert.StartsWith("# Scaling\n\nBefore.\n\n", doc, StringComparison.Ordinal);
        Assert.EndsWith(ScaleOutTable.End + "\n\nAfter.\n", doc, StringComparison.Ordinal);
    }

    private static ScaleOutRow Row(string command, double seconds) => new(
        command, "deployment", DateTimeOffset.UnixEpoch, "2 cores", 200_000, seconds, 4.2, 490,
        [("postgres", 80.0), ("search", 20.0)], "hub_search 1.00 (0.50; Lock:transactionid 0.40)", "lineage-models-observed 100");
}
