using System.Diagnostics;
using System.Numerics;
using HubPlatform.Bench.Measurement;
using HubPlatform.Bench.Reporting;
using HubPlatform.Search.Index;

namespace HubPlatform.Bench.Benchmarks;

/// <summary>
/// 5b. The search service's USearch index (<see cref="VectorIndex"/>, its default settings)
/// against exact brute-force cosine search over the same vectors: recall@10 and latency.
/// </summary>
public static class VectorSearchComparison
{
    private const int K = 10;

    public static Task RunAsync(BenchOptions options, BenchReport report, CancellationToken ct)
    {
        var section = report.Add("vectors", "5b. Vector search: USearch (HNSW) vs exact brute force");
        var rows = new List<string[]>();
        foreach (var count in options.VectorCounts)
        {
            ct.ThrowIfCancellationRequested();
            var generator = new EmbeddingLikeVectors(seed: 7);
            var vectors = new float[count][];
            for (var i = 0; i < count; i++)
            {
                vectors[i] = generator.Next();
            }
            var queries = Enumerable.Range(0, options.Quick ? 50 : 200).Select(_ => generator.Next()).ToArray();

            var settings = new VectorIndexOptions();
            var build = Stopwatch.StartNew();
            using var index = VectorIndex.Build(vectors.Select((v, i) => KeyValuePair.Create((ulong)i, v)), settings);
            var buildSeconds = build.Elapsed.TotalSeconds;

            var annLatencies = new List<double>();
            var exactLatencies = new List<double>();
            var recall = 0.0;
            foreach (var query in queries)
            {
                var started = Stopwatch.GetTimestamp();
                var approximate = index.Search(query, K);
                annLatencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                started = Stopwatch.GetTimestamp();
                var exact = Exact(vectors, query, K);
                exactLatencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                recall += approximate.Select(m => (int)m.Key).Intersect(exact).Count() / (double)K;
            }
            recall /= queries.Length;
            var annP50 = Stats.Median(annLatencies);
            var exactP50 = Stats.Median(exactLatencies);
            section.Number($"recallAt10_{count}", recall).Number($"usearchP50Ms_{count}", annP50).Number($"exactP50Ms_{count}", exactP50)
                .Number($"buildSeconds_{count}", buildSeconds).Number($"buildThreads_{count}", 1);
            rows.Add([F(count), F(recall, 3), F(annP50, 3), F(Stats.Percentile(annLatencies, 95), 3), F(exactP50, 2),
                F(Stats.Percentile(exactLatencies, 95), 2),
                F(exactP50 / annP50, 0) + "×", F(buildSeconds, 1)]);
            Console.WriteLine($"bench: {count:N0} vectors: recall@10 {recall:F3}, USearch {annP50:F3} ms, exact {exactP50:F2} ms");
        }
        var defaults = new VectorIndexOptions();
        section.Line("384-d unit vectors shaped like sentence embeddings (a random 16-d subspace plus noise; uniform random 384-d vectors have no " +
                     "nearest " +
                     $"neighbours worth finding), {(options.Quick ? 50 : 200)} queries from the same distribution, one query at a time on one " +
                     "thread. " +
                     $"USearch with the service's defaults: cosine, {defaults.Quantization}, connectivity {defaults.Connectivity}, expansion add " +
                     $"{defaults.ExpansionAdd} / search {defaults.ExpansionSearch}. " +
                     $"The index is built as the service builds it: capacity reserved per batch, then vectors added from one thread. " +
                     "Exact = a SIMD dot product against every vector, top 10 kept.")
            .Line()
            .Table(["vectors", "recall@10", "USearch p50 ms", "USearch p95 ms", "exact p50 ms", "exact p95 ms", "speed-up (p50)", "index build s"],
                rows);
        return Task.CompletedTask;
    }

    /// <summary>The keys of the k vectors most similar to the query (all unit vectors: cosine = dot product).</summary>
    private static int[] Exact(float[][] vectors, float[] query, int k)
    {
        var best = new PriorityQueue<int, float>(k + 1);
        for (var i = 0; i < vectors.Length; i++)
        {
            var score = Dot(vectors[i], query);
            if (best.Count < k)
            {
                best.Enqueue(i, score);
            }
            else if (best.TryPeek(out _, out var worst) && score > worst)
            {
                best.EnqueueDequeue(i, score);
            }
        }
        return best.UnorderedItems.Select(x => x.Element).ToArray();
    }

    private static float Dot(float[] a, float[] b)
    {
        var sum = Vector<float>.Zero;
        var i = 0;
        for (; i <= a.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            sum += new Vector<float>(a, i) * new Vector<float>(b, i);
        }
        var result = Vector.Sum(sum);
        for (; i < a.Length; i++)
        {
            result += a[i] * b[i];
        }
        return result;
    }

    private static string F(double v, int d = 0) => BenchSection.F(v, d);
}

/// <summary>Unit vectors in a random low-dimensional subspace of 384-d space, plus a little noise.</summary>
public sealed class EmbeddingLikeVectors(int seed, int dimensions = 384, int intrinsic = 16)
{
    private readonly Random _random = new(seed);
    private float[][]? _basis;

    public float[] Next()
    {
        _basis ??= Enumerable.Range(0, intrinsic).Select(_ => Enumerable.Range(0, dimensions).Select(_ => Gaussian()).ToArray()).ToArray();
        var vector = new float[dimensions];
        for (var d = 0; d < dimensions; d++)
        {
            vector[d] = 0.05f * Gaussian();
        }
        foreach (var direction in _basis)
        {
            var weight = Gaussian();
            for (var d = 0; d < dimensions; d++)
            {
                vector[d] += weight * direction[d];
            }
        }
        var norm = MathF.Sqrt(vector.Sum(x => x * x));
        for (var d = 0; d < dimensions; d++)
        {
            vector[d] /= norm;
        }
        return vector;
    }

    private float Gaussian() =>
        (float)(Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble()));
}
