using System.Globalization;
using System.Text;

namespace HubPlatform.Bench.Reporting;

/// <summary>Everything one run measured, written as docs/BENCHMARKS.md.</summary>
public sealed class BenchReport(BenchOptions options, MachineInfo machine)
{
    public BenchOptions Options { get; } = options;

    public MachineInfo Machine { get; } = machine;

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    public TimeSpan Duration { get; set; }

    public List<BenchSection> Sections { get; } = [];

    /// <summary>What was not measured and why (an endpoint not on main yet, a failure).</summary>
    public List<string> NotMeasured { get; } = [];

    /// <summary>Load averages sampled during the run: the machine is shared, so this says how noisy it was.</summary>
    public List<double> LoadAverages { get; } = [];

    /// <summary>The ingest as a row of docs/SCALING.md's scale-out table (<c>--scaling</c>), once it was measured.</summary>
    public ScaleOutRow? ScaleOutRow { get; set; }

    public BenchSection Add(string key, string title)
    {
        var section = new BenchSection(key, title);
        Sections.Add(section);
        return section;
    }

    /// <summary>
    /// An existing report with this run's sections in place of its sections of the same number (a section
    /// re-measured alone with <c>--only</c>), each saying which command and day measured it.
    /// </summary>
    public string ReplaceSections(string existing)
    {
        var text = existing.ReplaceLineEndings("\n");
        foreach (var section in Sections)
        {
            var number = section.Title.Split(' ')[0];
            var start = text.IndexOf($"\n## {number} ", StringComparison.Ordinal);
            var end = start < 0 ? -1 : text.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
            var md = new StringBuilder().Append(CultureInfo.InvariantCulture, $"\n## {section.Title}\n\n");
            var loads = LoadAverages.Where(l => !double.IsNaN(l)).ToList();
            md.Append(CultureInfo.InvariantCulture,
                $"Re-measured alone on {StartedAt:yyyy-MM-dd HH:mm} UTC with `{Options.Command}` ({Machine.Cores} cores, load average " +
                $"{(loads.Count > 0 ? $"{loads.Min():F1} – {loads.Max():F1}" : "unknown")}); " +
                $"the other sections are from the run named at the top.\n\n");
            foreach (var line in section.Lines)
            {
                md.Append(line).Append('\n');
            }
            text = start < 0 ? text + md : text[..start] + md + (end < 0 ? "" : text[end..]);
        }
        return text;
    }

    public string ToMarkdown()
    {
        var md = new StringBuilder();
        md.AppendLine("# Benchmarks");
        md.AppendLine();
        md.AppendLine("Measured by `bench/HubPlatform.Bench` on this repository's own code: it starts the real AppHost (local");
        md.AppendLine("infrastructure, the emulator generating a seeded synthetic hub), measures, stops everything it started and");
        md.AppendLine("writes this file. Medians of several runs unless a row says otherwise.");
        md.AppendLine();
        md.AppendLine("```bash");
        md.AppendLine(Options.Command);
        md.AppendLine("```");
        md.AppendLine();
        md.AppendLine("| machine | |");
        md.AppendLine("|---|---|");
        md.AppendLine(CultureInfo.InvariantCulture, $"| date (UTC) | {StartedAt:yyyy-MM-dd HH:mm} (run took {Duration:hh\\:mm\\:ss}) |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| cores | {Machine.Cores} ({Machine.Cpu}) |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| RAM | {Machine.RamGb:F1} GB |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| OS | {Machine.Os} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| .NET | {Machine.Runtime} |");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| hub size | {Options.Models:N0} models, {Options.Models / 4:N0} datasets, {Options.Models / 2:N0} spaces (generated, seed " +
            $"42){(Options.Quick ? " — quick mode, tiny sizes: not representative" : "")} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| runs per measurement | {Options.Runs} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| endpoints | {(Options.EndpointProxies
            ? "behind the orchestrator's proxies (`--endpoint-proxies`, as `./hub up`)"
            : "each process listening itself (`Endpoints:Proxied=false`; no orchestrator proxy, as in a deployment)")} |");
        var loads = LoadAverages.Where(l => !double.IsNaN(l)).ToList();
        if (loads.Count > 0)
        {
            var noisy = loads.Max() > Machine.Cores * 1.5;
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| load average during the run | {loads.Min():F1} – {loads.Max():F1} on {Machine.Cores} " +
                $"cores{(noisy ? " (the machine was shared and busy: numbers are noisy, and the bench itself loads every core)" : "")} |");
        }
        md.AppendLine();
        // Sections run in the order that suits the machine; they read in their numbered order.
        foreach (var section in Sections.OrderBy(s => s.Title, StringComparer.Ordinal))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"## {section.Title}");
            md.AppendLine();
            foreach (var line in section.Lines)
            {
                md.AppendLine(line);
            }
            md.AppendLine();
        }
        md.AppendLine("## Not measured");
        md.AppendLine();
        if (NotMeasured.Count == 0)
        {
            md.AppendLine("Nothing: every planned measurement ran.");
        }
        foreach (var item in NotMeasured)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- {item}");
        }
        return md.ToString();
    }
}
