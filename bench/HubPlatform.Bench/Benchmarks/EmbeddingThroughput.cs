using System.Diagnostics;
using System.Text.Json;
using HubPlatform.Bench.Measurement;
using HubPlatform.Bench.Platform;
using HubPlatform.Bench.Reporting;
using HubPlatform.Search.Embeddings;
using Microsoft.Extensions.Options;

namespace HubPlatform.Bench.Benchmarks;

/// <summary>
/// 3. The real embedder (all-MiniLM-L6-v2 on ONNX Runtime, the search service's own classes) on the
/// real model cards of the Hub sample, chunked as search chunks them, in the way cards were embedded
/// before (fp32, every line of the card) and the way they are now (int8 weights, template and trainer
/// boilerplate left out), and the steps between: texts/s, tokens/s and cards/s on the same cards, the backlog of
/// a full hub, retrieval quality (recall@10, MRR) of each on a relevance set written from the cards, and how
/// close each int8 way's vectors are to fp32's on the same texts.
/// </summary>
public static class EmbeddingThroughput
{
    /// <summary>Models on the Hub in 2025, for the backlog estimate.</summary>
    private const int FullHubModels = 2_000_000;

    private sealed record Variant(string Label, EmbeddingOptions Options);

    private static readonly Variant[] Variants =
    [
        new("before: fp32, whole card", new EmbeddingOptions { Precision = EmbeddingPrecision.Fp32, KeepCardBoilerplate = true }),
        new("int8, whole card (the same texts)", new EmbeddingOptions { Precision = EmbeddingPrecision.Int8, KeepCardBoilerplate = true }),
        new("fp32, boilerplate out", new EmbeddingOptions { Precision = EmbeddingPrecision.Fp32 }),
        new("int8 in every matrix, boilerplate out",
            new EmbeddingOptions { Precision = EmbeddingPrecision.Int8, QuantizeFeedForwardOutput = true }),
        new("now: int8, feed-forward output fp32, boilerplate out", new EmbeddingOptions { Precision = EmbeddingPrecision.Int8 }),
    ];

    public static Task RunAsync(BenchOptions options, BenchReport report, CancellationToken ct)
    {
        var section = report.Add("embedding", "3. Embedding throughput and quality");
        if (!File.Exists(CardsPath))
        {
            throw new FileNotFoundException($"the real cards are not beside the repository ({CardsPath}); this section embeds them");
        }
        var cards = File.ReadLines(CardsPath).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement)
            .Select(e => (Id: e.GetProperty("id").GetString()!, Readme: e.GetProperty("readme").GetString() ?? "")).ToList();
        var relevance = RelevanceSet.Load(Path.Combine(BenchPlatform.RepoRoot, "tests", "Search.Tests", "relevance-set.json"));
        // Quality over the whole sample; in --quick, the expected cards and as many others as distractors.
        var judged = options.Quick
            ? cards.Where(c => relevance.ExpectedIds.Contains(c.Id))
                .Concat(cards.Where(c => !relevance.ExpectedIds.Contains(c.Id)).Take(relevance.ExpectedIds.Count)).ToList()
            : cards;
        var timedCards = cards.Take(options.EmbeddingCards).ToList();

        var rows = new List<string[]>();
        var results = new List<(string Label, double TextsPerSecond, double CardsPerSecond, double ChunksPerCard, double Distinct, double Recall,
            double Mrr)>();
        var ranks = new List<(string Label, IReadOnlyList<int[]> Ranks)>();
        var fp32Vectors = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var variant in Variants)
        {
            ct.ThrowIfCancellationRequested();
            using var embedder = new SentenceEmbedder(Options.Create(variant.Options));
            var chunker = new CardChunker(embedder.Tokenizer, Options.Create(variant.Options));
            var timed = timedCards.SelectMany(c => chunker.Chunk(c.Readme)).Select(c => c.Text).ToList();
            var tokens = timed.Sum(t => Math.Min(variant.Options.MaxTokens, embedder.Tokenizer.CountTokens(t) + 2));
            embedder.Embed(timed.Take(32).ToList()); // warm-up: the first run pays for ONNX Runtime's set-up
            var seconds = new List<double>();
            for (var run = 0; run < options.Runs; run++)
            {
                var clock = Stopwatch.StartNew();
                embedder.Embed(timed);
                seconds.Add(clock.Elapsed.TotalSeconds);
            }
            var median = Stats.Median(seconds);

            var all = cards.Select(c => chunker.Chunk(c.Readme)).ToList();
            var chunksPerCard = all.Sum(c => c.Count) / (double)cards.Count;
            var distinct = all.SelectMany(c => c).Select(c => c.Hash).Distinct(StringComparer.Ordinal).Count() / (double)all.Sum(c => c.Count);
            var judgedChunks = judged.Select(c => (c.Id, (IReadOnlyList<EmbeddingText>)chunker.Chunk(c.Readme))).ToList();
            var texts = judgedChunks.SelectMany(c => c.Item2).Select(c => c.Text).Distinct(StringComparer.Ordinal).ToList();
            var vectors = texts.Zip(embedder.Embed(texts)).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
            var ranked = relevance.Rank(embedder, judgedChunks, vectors);
            // Agreement with the model as trained, on every chunk of the sample (no query involved): the mean
            // cosine between this way's vector of a text and fp32's vector of the same text.
            double? cosine = null;
            if (variant.Options.Precision == EmbeddingPrecision.Fp32)
            {
                foreach (var (text, vector) in vectors)
                {
                    fp32Vectors[text] = vector;
                }
            }
            else if (vectors.Keys.All(fp32Vectors.ContainsKey))
            {
                cosine = vectors.Average(v => RelevanceSet.Dot(v.Value, fp32Vectors[v.Key]));
            }
            ranks.Add((variant.Label, ranked));
            var (recall, mrr) = RelevanceSet.Score(ranked);
            results.Add((variant.Label, timed.Count / median, timedCards.Count / median, chunksPerCard, distinct, recall, mrr));
            rows.Add([variant.Label, F(timed.Count / median, 1), F(tokens / median), F(timedCards.Count / median, 2), F(tokens / (double)timed.Count),
                F(chunksPerCard, 2), F(recall, 3), F(mrr, 3), cosine is { } c ? F(c, 4) : "1 (is fp32)",
                F(FullHubModels * chunksPerCard * distinct / (timed.Count / median) / 3600, 1)]);
        }
        if (options.RanksPath is { } ranksPath)
        {
            RelevanceRanks.Write(ranksPath, options.Command, relevance, ranks);
            Console.WriteLine($"bench: wrote the expected models' ranks to {ranksPath}");
        }
        var before = results[0];
        var now = results[^1];
        section.Number("textsPerSecond", now.TextsPerSecond).Number("textsPerSecondBefore", before.TextsPerSecond)
            .Number("cardsPerSecond", now.CardsPerSecond).Number("cardsSpeedup", now.CardsPerSecond / before.CardsPerSecond)
            .Number("chunksPerCard", now.ChunksPerCard).Number("distinctShare", now.Distinct)
            .Number("recallAt10", now.Recall).Number("recallAt10Before", before.Recall).Number("mrr", now.Mrr).Number("mrrBefore", before.Mrr)
            .Number("backlogHours", FullHubModels * now.ChunksPerCard / now.TextsPerSecond / 3600)
            .Number("backlogHoursDeduplicated", FullHubModels * now.ChunksPerCard * now.Distinct / now.TextsPerSecond / 3600);
        section.Line($"Throughput: every chunk of the first {timedCards.Count:N0} real cards of `../shared/data/hub-sample/cards.jsonl` (chunked " +
                     "by the search " +
                     "service's `CardChunker`: ≤ 256 tokens, ≤ 16 chunks a card), embedded by the service's `SentenceEmbedder` in one call on " +
                     "the " +
                     "CPU " +
                     $"({Environment.ProcessorCount} cores), median of {options.Runs} runs. fp32 runs length-sorted batches of 32 on every core; " +
                     "int8 runs " +
                     "one text per run, one run per core (its activations are quantized per run, so texts never share a run and a text's vector is " +
                     "its own). " +
                     $"Quality: {relevance.Queries.Count} capability queries written from the cards (`tests/Search.Tests/relevance-set.json`, " +
                     $"{relevance.ExpectedIds.Count} expected models), each card ranked by its best chunk among {judged.Count:N0} cards. " +
                     "Mean cosine to fp32: over every chunk of those cards, how close an int8 way's vector of a text is to fp32's vector of the " +
                     "same text (no query involved: agreement with the model as trained).")
            .Line()
            .Table(["path", "texts/s", "tokens/s", "cards/s", "tokens per text", "chunks per card", "recall@10", "MRR", "mean cosine to fp32",
                "full-hub backlog, h (distinct texts)"], rows)
            .Line()
            .Line($"Cards embedded per second: {F(now.CardsPerSecond / before.CardsPerSecond, 2)}× before; texts per second " +
                  $"{F(now.TextsPerSecond / before.TextsPerSecond, 2)}×. " +
                  $"The full-hub backlog is {FullHubModels:N0} cards × chunks per card × the share of distinct texts (templated cards repeat " +
                  "chunks; " +
                  "the service embeds each distinct text once), at this machine's rate.");
        return Task.CompletedTask;
    }

    private static string CardsPath => Path.GetFullPath(Path.Combine(BenchPlatform.RepoRoot, "..", "shared", "data", "hub-sample", "cards.jsonl"));

    private static string F(double v, int d = 0) => BenchSection.F(v, d);
}
