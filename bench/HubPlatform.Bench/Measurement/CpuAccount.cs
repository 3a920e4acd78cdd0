using System.Diagnostics;
using System.Globalization;

namespace HubPlatform.Bench.Measurement;

/// <summary>
/// Where the machine's CPU went while some loads ran: each platform process (with its children), the bench's own process
/// (the load generator) and the rest of the machine (DCP's proxies, other work), from /proc. Measured around each load and
/// summed, so a part's CPU per request says what one request cost it, and the rest says how busy the machine was besides.
/// </summary>
public sealed class CpuAccount(IReadOnlyList<(string Name, string Marker)> processes)
{
    public const string LoadGenerator = "bench (load generator)";
    public const string Rest = "rest of the machine (DCP's proxies, other work)";

    private const string Machine = "";

    private readonly Dictionary<string, double> _seconds = new(StringComparer.Ordinal);

    public long Requests { get; private set; }

    /// <summary>Wall-clock seconds the loads took, summed.</summary>
    public double WallSeconds { get; private set; }

    public IReadOnlyDictionary<string, double> Seconds => _seconds;

    /// <summary>Runs <paramref name="load"/> and adds what each part spent in it.</summary>
    public async Task<LoadResult> MeasureAsync(Func<Task<LoadResult>> load)
    {
        var before = Read();
        var started = Stopwatch.GetTimestamp();
        var result = await load();
        WallSeconds += Stopwatch.GetElapsedTime(started).TotalSeconds;
        var after = Read();
        // A part's processes that ended during the load (Postgres backends of a closed pool) take their whole CPU out of its
        // sum: a part counts no less than zero, and what such processes spent shows in the rest (the machine less the parts).
        var spent = after.Keys.Where(name => name != Machine).ToDictionary(name => name, name => Math.Max(0, after[name] - before[name]));
        foreach (var (name, seconds) in spent)
        {
            _seconds[name] = _seconds.GetValueOrDefault(name) + seconds;
        }
        _seconds[Rest] = _seconds.GetValueOrDefault(Rest) + Math.Max(0, after[Machine] - before[Machine] - spent.Values.Sum());
        Requests += result.Requests;
        return result;
    }

    private Dictionary<string, double> Read()
    {
        var parts = ProcessMonitor.ReadAll(processes).ToDictionary(p => p.Key, p => p.Value.CpuSeconds, StringComparer.Ordinal);
        using (var self = Process.GetCurrentProcess())
        {
            parts[LoadGenerator] = self.TotalProcessorTime.TotalSeconds;
        }
        parts[Machine] = MachineBusySeconds();
        return parts;
    }

    /// <summary>Busy time of every core since boot: the first line of /proc/stat less idle and I/O wait, in USER_HZ ticks.</summary>
    private static double MachineBusySeconds()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => double.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        return (fields.Take(8).Sum() - fields[3] - fields[4]) / 100.0;
    }
}
