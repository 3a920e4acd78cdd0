using System.Text.Json;
using HubPlatform.Search.Embeddings;

namespace HubPlatform.Bench.Benchmarks;

/// <summary>
/// Capability queries with the sample's models whose cards say they do it (written by us from the cards,
/// in our own words): where a way of embedding the cards ranks each expected model, and its recall@10 and
/// mean reciprocal rank.
/// </summary>
public sealed class RelevanceSet
{
    private sealed record Entry(string Query, string[] Expected);

    private RelevanceSet(IReadOnlyList<(string Query, string[] Expected)> queries) => Queries = queries;

    public IReadOnlyList<(string Query, string[] Expected)> Queries { get; }

    public HashSet<string> ExpectedIds => Queries.SelectMany(q => q.Expected).ToHashSet(StringComparer.Ordinal);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static RelevanceSet Load(string path)
    {
        var entries = JsonSerializer.Deserialize<Entry[]>(File.ReadAllText(path), Json)!;
        return new(entries.Select(e => (e.Query, e.Expected.Distinct(StringComparer.Ordinal).ToArray())).ToList());
    }

    /// <summary>
    /// Per query, the rank (1 = first) of each of its expected models, in the set's order; 0 for a model whose
    /// card has no chunk. Each card scores as its best chunk; <paramref name="vectors"/> holds every chunk's vector.
    /// </summary>
    public IReadOnlyList<int[]> Rank(
        SentenceEmbedder embedder, IReadOnlyList<(string Id, IReadOnlyList<EmbeddingText> Chunks)> cards,
        IReadOnlyDictionary<string, float[]> vectors) =>
        Queries.Select(query =>
        {
            var q = embedder.Embed(query.Query);
            var ranked = cards.Where(c => c.Chunks.Count > 0)
                .Select(c => (c.Id, Score: c.Chunks.Max(chunk => Dot(q, vectors[chunk.Text]))))
                .OrderByDescending(c => c.Score).ThenBy(c => c.Id, StringComparer.Ordinal).Select(c => c.Id).ToList();
            return query.Expected.Select(e => ranked.IndexOf(e) + 1).ToArray();
        }).ToList();

    /// <summary>A query's recall@10 is the share of its expected models in the top 10; its reciprocal rank is 1 / the first one's rank.</summary>
    public static (double RecallAt10, double Mrr) Score(IReadOnlyList<int[]> ranks) =>
        (ranks.Average(Recall), ranks.Average(ReciprocalRank));

    public static double Recall(int[] ranks) => ranks.Count(r => r is > 0 and <= 10) / (double)ranks.Length;

    public static double ReciprocalRank(int[] ranks) => ranks.Where(r => r > 0).Select(r => 1.0 / r).DefaultIfEmpty(0).Max();

    public static double Dot(float[] a, float[] b)
    {
        double sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
