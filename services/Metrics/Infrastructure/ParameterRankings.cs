using HubPlatform.Metrics.Dimensions;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace HubPlatform.Metrics.Infrastructure;

/// <summary>
/// ModelVerse's rankings over parameter ranges, precomputed when a snapshot's aggregates are built. A range that
/// starts and ends on size classes (<see cref="ParameterBuckets"/>: "1B to 10B" is 1B-3B and 3B-10B) is one of the
/// 28 runs of consecutive classes; each keeps, per metric, its top <see cref="Kept"/> authors (rank 1 first) and a
/// totals row (rank 0, author ""). Any other range is such a run plus the models in its partial classes at either
/// end (read from model_parameter_facts): with e authors there, the top k are among the run's top k + e and those
/// e authors (a model adds to its author's value, never takes away), whose run values parameter_bucket_totals has.
/// Built from parameter_bucket_totals in one pass per run start: a few thousand to a few hundred thousand authors
/// per run, each compared once with the 500th.
/// </summary>
public static class ParameterRankings
{
    public const string Table = "parameter_rankings";

    /// <summary>Authors kept per run and metric: the largest k the ModelVerse API takes.</summary>
    public const int Kept = 500;

    /// <summary>The metrics, as ModelVerse names them ("models" is "count").</summary>
    public static readonly string[] Metrics = ["downloads", "downloadsAllTime", "likes", "count"];

    public static async Task FillAsync(MetricsDbContext db, string bucketTotals, string target, Guid snapshot, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var buckets = ParameterBuckets.All.Length;
        // Per author, per bucket: models, downloads, all-time downloads, likes (the order of Metrics but count first).
        var names = new List<string>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var sums = new List<long[]>();
        var inBucket = Enumerable.Range(0, buckets).Select(_ => new List<int>()).ToArray();
        // The table name is a Guid and fixed strings; the snapshot is a parameter.
        await using (var command = new NpgsqlCommand(
                         $"SELECT author, bucket, models, downloads, downloads_all_time, likes FROM {bucketTotals} WHERE snapshot_id = @snapshot",
                         connection))
        {
            command.Parameters.AddWithValue("snapshot", snapshot);
            command.CommandTimeout = (int)SnapshotAggregates.BuildTimeout.TotalSeconds;
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var author = reader.GetString(0);
                if (!index.TryGetValue(author, out var i))
                {
                    index[author] = i = names.Count;
                    names.Add(author);
                    sums.Add(new long[buckets * 4]);
                }
                var bucket = reader.GetInt16(1);
                for (var m = 0; m < 4; m++)
                {
                    sums[i][bucket * 4 + m] = reader.GetInt64(2 + m);
                }
                inBucket[bucket].Add(i);
            }
        }

        await using var import = await connection.BeginBinaryImportAsync(
            $"COPY {target} (snapshot_id, lowest, highest, metric, rank, author, value, models) FROM STDIN (FORMAT BINARY)", ct);
        async Task WriteAsync(int lowest, int highest, string metric, int rank, string author, long value, long models)
        {
            await import.StartRowAsync(ct);
            await import.WriteAsync(snapshot, NpgsqlDbType.Uuid, ct);
            await import.WriteAsync((short)lowest, NpgsqlDbType.Smallint, ct);
            await import.WriteAsync((short)highest, NpgsqlDbType.Smallint, ct);
            await import.WriteAsync(metric, NpgsqlDbType.Text, ct);
            await import.WriteAsync((short)rank, NpgsqlDbType.Smallint, ct);
            await import.WriteAsync(author, NpgsqlDbType.Text, ct);
            await import.WriteAsync(value, NpgsqlDbType.Bigint, ct);
            await import.WriteAsync(models, NpgsqlDbType.Bigint, ct);
        }
        // Column of each metric in the per-bucket sums: count is the models column.
        int[] column = [1, 2, 3, 0];
        for (var lowest = 0; lowest < buckets; lowest++)
        {
            var run = new long[names.Count * 4];
            var members = new List<int>();
            var seen = new bool[names.Count];
            var totals = new long[4];
            for (var highest = lowest; highest < buckets; highest++)
            {
                foreach (var i in inBucket[highest])
                {
                    for (var m = 0; m < 4; m++)
                    {
                        run[i * 4 + m] += sums[i][highest * 4 + m];
                        totals[m] += sums[i][highest * 4 + m];
                    }
                    if (!seen[i])
                    {
                        seen[i] = true;
                        members.Add(i);
                    }
                }
                for (var metric = 0; metric < Metrics.Length; metric++)
                {
                    var c = column[metric];
                    await WriteAsync(lowest, highest, Metrics[metric], 0, "", totals[c], totals[0]);
                    var top = Top(members, i => run[i * 4 + c], names);
                    for (var rank = 0; rank < top.Count; rank++)
                    {
                        await WriteAsync(lowest, highest, Metrics[metric], rank + 1, names[top[rank]], run[top[rank] * 4 + c], run[top[rank] * 4]);
                    }
                }
            }
        }
        await import.CompleteAsync(ct);
    }

    /// <summary>The best <see cref="Kept"/> of <paramref name="members"/> by value descending, then name in ordinal (byte) order.</summary>
    private static List<int> Top(List<int> members, Func<int, long> value, List<string> names)
    {
        // Worst first, so the heap's root is the one a better author replaces.
        var worstFirst = Comparer<int>.Create((a, b) =>
            value(a) != value(b) ? value(a).CompareTo(value(b)) : string.CompareOrdinal(names[b], names[a]));
        var heap = new PriorityQueue<int, int>(worstFirst);
        foreach (var i in members)
        {
            if (heap.Count < Kept)
            {
                heap.Enqueue(i, i);
            }
            else if (worstFirst.Compare(i, heap.Peek()) > 0)
            {
                heap.EnqueueDequeue(i, i);
            }
        }
        var top = new List<int>(heap.Count);
        while (heap.Count > 0)
        {
            top.Add(heap.Dequeue());
        }
        top.Reverse();
        return top;
    }
}
