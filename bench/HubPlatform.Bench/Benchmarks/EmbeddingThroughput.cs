using System.Diagnostics;
using System.Text.Json;
using HubPlatform.Bench.Measurement;
using HubPlatform.Bench.Platform;
using HubPlatform.Bench.Reporting;
using HubPlatform.Search.Embeddings;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace HubPlatform.Bench.Benchmarks;

/// <summary>
/// 3. The real embedder (all-MiniLM-L6-v2 on ONNX Runtime, the search service's own class) on
/// real model cards from the Hub sample, chunked as search chunks them: texts/s, the backlog
/// of a full hub, and how much deduplicating identical texts saves.
/// </summary>
public static class EmbeddingThroughput
{
    /// <summary>Models on the Hub in 2025, for the backlog estimate.</summary>
    private const int FullHubModels = 2_000_000;

    public static Task RunAsync(BenchOptions options, BenchReport report, CancellationToken ct)
    {
        var section = report.Add("embedding", "3. Embedding throughput");
        var settings = new EmbeddingOptions();
        using var embedder = new SentenceEmbedder(Options.Create(settings));
        var chunker = new CardChunker(embedder.Tokenizer, Options.Create(settings));
        var cardsPath = Path.GetFullPath(Path.Combine(BenchPlatform.RepoRoot, "..", "shared", "data", "hub-sample", "cards.jsonl"));
        var cards = File.ReadLines(cardsPath).Where(l => l.Length > 0)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("readme").GetString() ?? "").ToList();
        var chunks = cards.SelectMany(chunker.Chunk).ToList();
        var distinct = chunks.Select(c => c.Hash).Distinct(StringComparer.Ordinal).Count();
        var sample = chunks.Take(options.EmbeddingTexts).Select(c => c.Text).ToList();

        embedder.Embed(sample.Take(settings.BatchSize).ToList()); // warm-up: the first run pays for ONNX Runtime's set-up
        var rates = new List<double>();
        for (var run = 0; run < options.Runs; run++)
        {
            ct.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            foreach (var batch in sample.Chunk(settings.BatchSize))
            {
                embedder.Embed(batch);
            }
            rates.Add(sample.Count / clock.Elapsed.TotalSeconds);
        }
        var rate = Stats.Median(rates);
        var chunksPerCard = chunks.Count / (double)cards.Count;
        var distinctShare = distinct / (double)chunks.Count;
        var backlog = FullHubModels * chunksPerCard;
        section.Number("textsPerSecond", rate).Number("chunksPerCard", chunksPerCard).Number("distinctShare", distinctShare)
            .Number("backlogHours", backlog / rate / 3600).Number("backlogHoursDeduplicated", backlog * distinctShare / rate / 3600);
        section.Line($"{cards.Count:N0} real cards from `../shared/data/hub-sample/cards.jsonl`, chunked by the search service's `CardChunker` " +
                     $"(≤ {settings.MaxTokens} tokens, ≤ {settings.MaxChunksPerCard} chunks a card) into {chunks.Count:N0} texts; the first {sample.Count:N0} embedded " +
                     $"in batches of {settings.BatchSize} on the CPU ({embedder.ExecutionProvider}, ONNX Runtime's default threads = all {Environment.ProcessorCount} cores), median of {options.Runs} runs.")
            .Line()
            .Table(["measure", "value"],
            [
                ["texts/s", F(rate, 1)],
                ["ms per text", F(1000 / rate, 1)],
                ["chunks per card (sample)", F(chunksPerCard, 2)],
                ["distinct texts / all texts (sample)", F(100 * distinctShare, 1) + " %"],
                [$"backlog of a full hub ({FullHubModels:N0} cards × {chunksPerCard:F2} chunks = {backlog:N0} texts), hours", F(backlog / rate / 3600, 1)],
                ["the same, embedding each distinct text once, hours", F(backlog * distinctShare / rate / 3600, 1)],
                ["deduplication saves", F(100 * (1 - distinctShare), 1) + " % of the work"],
            ])
            .Line("The sample's duplicate share (templated cards: \"More Information Needed\" sections and the like) is taken as the Hub's; " +
                  "a generated hub has no real card text, so this is the one section on the sample rather than on the generated hub. " +
                  "The search service itself embeds in the background with the same class and deduplicates by text hash.");
        return Task.CompletedTask;
    }

    private static string F(double v, int d = 0) => BenchSection.F(v, d);
}
