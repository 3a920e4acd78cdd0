using System.Globalization;

namespace HubPlatform.Bench.Reporting;

/// <summary>One section of docs/BENCHMARKS.md: its prose and tables, and its headline numbers by name (the quick test checks them).</summary>
public sealed class BenchSection(string key, string title)
{
    private readonly List<string> _lines = [];

    public string Key { get; } = key;

    public string Title { get; } = title;

    public Dictionary<string, double> Numbers { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Lines => _lines;

    public BenchSection Number(string name, double value)
    {
        Numbers[name] = value;
        return this;
    }

    public BenchSection Line(string text = "")
    {
        _lines.Add(text);
        return this;
    }

    public BenchSection Table(string[] header, IEnumerable<string[]> rows)
    {
        _lines.Add("| " + string.Join(" | ", header) + " |");
        _lines.Add("|" + string.Concat(header.Select((_, i) => i == 0 ? "---|" : "---:|")));
        foreach (var row in rows)
        {
            _lines.Add("| " + string.Join(" | ", row) + " |");
        }
        _lines.Add("");
        return this;
    }

    public static string F(double value, int decimals = 0) =>
        double.IsNaN(value) ? "n/a" : value.ToString("N" + decimals, CultureInfo.InvariantCulture);
}
