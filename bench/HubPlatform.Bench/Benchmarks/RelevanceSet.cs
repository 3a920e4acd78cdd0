using System.Text.Json;
using HubPlatform.Search.Embeddings;

namespace HubPlatform.Bench.Benchmarks;

/// <summary>
/// Capability queries with the sample's models whose cards say they do it (written by us from the cards,
/// in our own words): recall@10 and mean reciprocal rank of a way of embedding the cards.
/// </summary>
public sealed class RelevanceSet
{
    private sealed record Entry(string Query, string[] Expected);

    private RelevanceSet(IReadOnlyList<(string Query, HashSet<string> Expected)> queries) => Queries = queries;

    public IReadOnlyList<(string Query, HashSet<string> Expected)> Queries { get; }

    public HashSet<string> ExpectedIds => Queries.SelectMany(q => q.Expected).ToHashSet(StringComparer.Ordinal);

    public static RelevanceSet Load(string path)
    {
        var entries = JsonSerializer.Deserialize<Entry[]>(File.ReadAllText(path), new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        return new(entries.Select(e => (e.Query, e.Expected.ToHashSet(StringComparer.Ordinal))).ToList());
    }

    /// <summary>Each card scores as its best chunk; a query's recall@10 is the share of its expected cards in the top 10.</summary>
    public (double RecallAt10, double Mrr) Evaluate(SentenceEmbedder embedder, IReadOnlyList<(string Id, IReadOnlyList<EmbeddingText> Chunks)> cards)
    {
        var texts = cards.SelectMany(c => c.Chunks).Select(c => c.Text).Distinct(StringComparer.Ordinal).ToList();
        var vectors = texts.Zip(embedder.Embed(texts)).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
        double recall = 0, mrr = 0;
        foreach (var (query, expected) in Queries)
        {
            var q = embedder.Embed(query);
            var ranked = cards.Where(c => c.Chunks.Count > 0)
                .Select(c => (c.Id, Score: c.Chunks.Max(chunk => Dot(q, vectors[chunk.Text]))))
                .OrderByDescending(c => c.Score).ThenBy(c => c.Id, StringComparer.Ordinal).Select(c => c.Id).ToList();
            recall += ranked.Take(10).Count(expected.Contains) / (double)expected.Count;
            var first = ranked.FindIndex(expected.Contains);
            mrr += first < 0 ? 0 : 1.0 / (first + 1);
        }
        return (recall / Queries.Count, mrr / Queries.Count);
    }

    private static double Dot(float[] a, float[] b)
    {
        double sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
