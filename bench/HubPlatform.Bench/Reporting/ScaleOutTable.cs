using System.Globalization;
using System.Text;

namespace HubPlatform.Bench.Reporting;

/// <summary>One ingest measured under one deployment (replicas, Postgres servers), as a row of docs/SCALING.md's table.</summary>
public sealed record ScaleOutRow(
    string Command,
    string Deployment,
    DateTimeOffset At,
    string Machine,
    long Models,
    double OverallSeconds,
    double PagesPerSecond,
    double CoreMsPerPage,
    IReadOnlyList<(string Process, double CpuSeconds)> Cpu,
    string Waits,
    string PeakQueues)
{
    public string[] Cells() =>
    [
        $"`{Command}`",
        Deployment,
        $"{At.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)}; {Machine}",
        BenchSection.F(Models),
        BenchSection.F(OverallSeconds, 1),
        $"**{BenchSection.F(Models / Math.Max(OverallSeconds, 0.001))}**",
        BenchSection.F(PagesPerSecond, 2),
        BenchSection.F(CoreMsPerPage),
        string.Join("; ", Cpu.Select(c => $"{c.Process} {BenchSection.F(c.CpuSeconds)}")),
        Waits,
        PeakQueues,
    ];
}

/// <summary>
/// The scale-out table of docs/SCALING.md: a row per bench command, kept between two markers so a run of
/// <c>./hub bench --replicas N</c> or <c>--postgres-per-service</c> adds or replaces its own row and touches nothing
/// else (section 2 of docs/BENCHMARKS.md measures the default deployment only).
/// </summary>
public static class ScaleOutTable
{
    public const string Start = "<!-- scale-out runs: rows written by ./hub bench --scaling, one per command -->";
    public const string End = "<!-- end of scale-out runs -->";

    private static readonly string[] Header =
    [
        "command", "deployment", "measured (UTC); machine", "models", "overall s", "models/s", "listing pages/s", "core-ms a page",
        "CPU s by process", "Postgres sessions by role: active (on CPU; top waits)", "peak queue depths",
    ];

    public static async Task WriteAsync(string path, ScaleOutRow row)
    {
        var text = File.Exists(path) ? (await File.ReadAllTextAsync(path)).ReplaceLineEndings("\n") : "# Scaling\n\n";
        await File.WriteAllTextAsync(path, Upsert(text, row));
    }

    /// <summary>The text with the row in its table: in place of the row of the same command, else after the others.</summary>
    public static string Upsert(string text, ScaleOutRow row)
    {
        var start = text.IndexOf(Start, StringComparison.Ordinal);
        var end = start < 0 ? -1 : text.IndexOf(End, start, StringComparison.Ordinal);
        var rows = new List<string>();
        if (start >= 0 && end >= 0)
        {
            rows.AddRange(text[(start + Start.Length)..end].Split('\n')
                .Where(l => l.StartsWith("| `", StringComparison.Ordinal)));
        }
        var line = "| " + string.Join(" | ", row.Cells()) + " |";
        var key = $"| `{row.Command}` |";
        var index = rows.FindIndex(r => r.StartsWith(key, StringComparison.Ordinal));
        if (index >= 0)
        {
            rows[index] = line;
        }
        else
        {
            rows.Add(line);
        }
        var table = new StringBuilder().Append(Start).Append('\n')
            .Append("| ").AppendJoin(" | ", Header).Append(" |\n")
            .Append('|').AppendJoin("", Header.Select((_, i) => i < 3 ? "---|" : i < 8 ? "---:|" : "---|")).Append('\n');
        foreach (var r in rows)
        {
            table.Append(r).Append('\n');
        }
        table.Append(End);
        return start >= 0 && end >= 0
            ? text[..start] + table + text[(end + End.Length)..]
            : text.TrimEnd('\n') + "\n\n" + table + "\n";
    }
}
