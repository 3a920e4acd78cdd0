using HubPlatform.Bench;
using HubPlatform.Tests.Support;

namespace HubPlatform.Tests.EndToEnd.Bench;

/// <summary>Runs after the parallel tests, alone: the bench starts a whole platform and loads every core.</summary>
[CollectionDefinition("Bench", DisableParallelization = true)]
public sealed class BenchCollection;

/// <summary>
/// The bench's quick mode end to end (the real AppHost on a tiny generated hub), so the bench
/// does not rot: every section is there with real, positive measurements. No speed is asserted:
/// speed is what the bench reports, not what a test on a shared machine can judge.
/// </summary>
[Collection("Bench")]
public sealed class QuickBenchTests
{
    private static readonly Dictionary<string, string[]> Expected = new()
    {
        ["emulator"] = ["modelsPerSecond", "modelsServed", "peakRssMb"],
        ["ingest"] = ["models", "modelsPerSecondOverall", "crawlModelsPerSecond", "crawlReposPerSecond", "crawlPagesPerSecond",
            "crawlPagesPerQuotaRequest", "metricsModelsPerSecond", "lineageModelsPerSecond", "searchModelsPerSecond", "totalCpuSeconds",
            "peakRssMbMax", "postgresBackendCpuSeconds"],
        ["quota"] = ["crawlSeconds", "dictatedSeconds", "requests", "leastSeconds", "crawlToDictatedRatio"],
        ["embedding"] = ["textsPerSecond", "textsPerSecondBefore", "cardsPerSecond", "cardsSpeedup", "chunksPerCard", "distinctShare", "recallAt10",
            "recallAt10Before", "mrr", "mrrBefore", "backlogHours", "backlogHoursDeduplicated"],
        ["queries"] = ["ModelVerseorganizationsCachedP50Ms", "ModelVerseorganizationsUncachedP50Ms", "ModelVerseorganizationsCachedRps",
            "HybridsearchUncachedP50Ms", "directP50Ms", "DataVerseorganizationsUncachedP50Ms", "DataVersebreakdownUncachedP50Ms",
            "HeatMaprankingUncachedP50Ms", "HeatMaporganizationUncachedP50Ms"],
        ["duckdb"] = ["duckDbMs", "platformUncachedMs", "platformCachedMs", "sameAnswer", "parquetMb", "duckDbAllMs", "platformUncachedAllMs"],
        ["vectors"] = ["recallAt10_5000", "usearchP50Ms_5000", "exactP50Ms_5000", "buildSeconds_5000"],
    };

    // The embedding section embeds the real cards, which stay outside the repository.
    [NeedsSharedDataFact(SharedNeed.Cards)]
    public async Task Quick_bench_measures_every_section_and_writes_the_report()
    {
        var output = Path.Combine(Path.GetTempPath(), $"hub-bench-{Guid.NewGuid():N}.md");
        var options = BenchOptions.Parse(["--quick", "--out", output]);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));

        var report = await BenchRunner.RunAsync(options, timeout.Token);

        Assert.DoesNotContain(report.NotMeasured, n => n.Contains("failed", StringComparison.Ordinal));
        foreach (var (key, numbers) in Expected)
        {
            var section = Assert.Single(report.Sections, s => s.Key == key);
            foreach (var name in numbers)
            {
                Assert.True(section.Numbers.TryGetValue(name, out var value), $"{key}: {name} missing");
                Assert.True(double.IsFinite(value) && value > 0, $"{key}: {name} = {value}");
            }
        }
        var ingest = report.Sections.Single(s => s.Key == "ingest").Numbers;
        var emulator = report.Sections.Single(s => s.Key == "emulator").Numbers;
        // The crawl saw the hub the emulator served, all of it.
        Assert.Equal(emulator["modelsServed"], ingest["models"]);
        // DuckDB over the platform's own Parquet exports gave the platform's ModelVerse, DataVerse and HeatMap answers.
        Assert.Equal(1, report.Sections.Single(s => s.Key == "duckdb").Numbers["sameAnswer"]);

        var markdown = report.ToMarkdown();
        Assert.Contains(options.Command, markdown, StringComparison.Ordinal);
        Assert.All(report.Sections, s => Assert.Contains("## " + s.Title, markdown, StringComparison.Ordinal));
        Assert.Contains($"| cores | {Environment.ProcessorCount}", markdown, StringComparison.Ordinal);
    }
}
