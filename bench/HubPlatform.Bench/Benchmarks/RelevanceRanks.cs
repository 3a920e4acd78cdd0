using System.Globalization;
using System.Text;

namespace HubPlatform.Bench.Benchmarks;

/// <summary>
/// The diagnostic behind a recall@10 or MRR difference (<c>--ranks path</c>): for every query of the relevance
/// set, the rank each way of embedding gives each expected model, first the queries whose recall@10 or
/// reciprocal rank differs between the first way (before) and the last (now), then all of them.
/// </summary>
public static class RelevanceRanks
{
    public static void Write(string path, string command, RelevanceSet set, IReadOnlyList<(string Label, IReadOnlyList<int[]> Ranks)> ways)
    {
        var before = ways[0].Ranks;
        var now = ways[^1].Ranks;
        var md = new StringBuilder()
            .AppendLine("# Relevance set: the rank of every expected model")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture,
                $"Written by `{command}`; the reading of old against new is in [BENCHMARKS.md](BENCHMARKS.md), section 3. " +
                $"Rank 1 is first; 0 means the card has no chunk. " +
                $"Recall@10 / MRR: {string.Join("; ", ways.Select(w => $"{w.Label} {Format(RelevanceSet.Score(w.Ranks))}"))}.")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"## Queries where {ways[^1].Label} differs from {ways[0].Label}")
            .AppendLine()
            .AppendLine("| query | recall@10 | reciprocal rank | models that moved (rank before → now) |")
            .AppendLine("|---|---|---|---|");
        for (var q = 0; q < set.Queries.Count; q++)
        {
            var (b, n) = (before[q], now[q]);
            if (RelevanceSet.Recall(b) == RelevanceSet.Recall(n) && RelevanceSet.ReciprocalRank(b) == RelevanceSet.ReciprocalRank(n))
            {
                continue;
            }
            var moved = set.Queries[q].Expected.Select((id, i) => (id, i)).Where(e => b[e.i] != n[e.i]).Select(e => $"{e.id} {b[e.i]} → {n[e.i]}");
            md.AppendLine(CultureInfo.InvariantCulture, $"| {set.Queries[q].Query} | {RelevanceSet.Recall(b):F2} → {RelevanceSet.Recall(n):F2} | " +
                          $"{RelevanceSet.ReciprocalRank(b):F3} → {RelevanceSet.ReciprocalRank(n):F3} | {string.Join("; ", moved)} |");
        }
        md.AppendLine()
            .AppendLine("## Every expected model")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"| query | expected model | {string.Join(" | ", ways.Select(w => w.Label))} |")
            .AppendLine(CultureInfo.InvariantCulture, $"|---|---|{string.Concat(ways.Select(_ => "---:|"))}");
        for (var q = 0; q < set.Queries.Count; q++)
        {
            for (var e = 0; e < set.Queries[q].Expected.Length; e++)
            {
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"| {set.Queries[q].Query} | {set.Queries[q].Expected[e]} | {string.Join(" | ", ways.Select(w => w.Ranks[q][e]))} |");
            }
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, md.ToString());
    }

    private static string Format((double Recall, double Mrr) score) => $"{score.Recall:F3} / {score.Mrr:F3}";
}
