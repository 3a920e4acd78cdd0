using System.Globalization;

namespace HubPlatform.Bench.Measurement;

/// <summary>CPU seconds and peak RSS of a process and its descendants, read from /proc.</summary>
public sealed record ProcessUsage(double CpuSeconds, double PeakRssMb, double RssMb, int Processes);

/// <summary>
/// Finds the platform's processes by a piece of their command line (a service's bin folder, the
/// bench's own data directory for the servers) and reads /proc for them. Linux only, like the
/// platform's local mode.
/// </summary>
public static class ProcessMonitor
{
    private static readonly double TicksPerSecond = 100; // USER_HZ, 100 on every Linux the platform runs on

    /// <summary>Usage of every process whose command line contains <paramref name="marker"/>, plus their children.</summary>
    public static ProcessUsage Read(string marker) => Of(Snapshot(), marker);

    /// <summary>
    /// <see cref="Read"/> for several markers from one reading of /proc: the bench samples every second,
    /// and a reading of every process per marker cost it more CPU than some of the services it watches.
    /// </summary>
    public static Dictionary<string, ProcessUsage> ReadAll(IEnumerable<(string Name, string Marker)> markers)
    {
        var all = Snapshot();
        return markers.ToDictionary(m => m.Name, m => Of(all, m.Marker));
    }

    private static ProcessUsage Of(List<ProcInfo> all, string marker)
    {
        var roots = all.Where(p => p.CommandLine.Contains(marker, StringComparison.Ordinal)).Select(p => p.Pid).ToHashSet();
        var members = new HashSet<int>(roots);
        bool grew;
        do
        {
            grew = false;
            foreach (var p in all)
            {
                if (!members.Contains(p.Pid) && members.Contains(p.ParentPid))
                {
                    members.Add(p.Pid);
                    grew = true;
                }
            }
        } while (grew);
        var chosen = all.Where(p => members.Contains(p.Pid)).ToList();
        return new ProcessUsage(chosen.Sum(p => p.CpuSeconds), chosen.Sum(p => p.PeakRssKb) / 1024.0, chosen.Sum(p => p.RssKb) / 1024.0,
            chosen.Count);
    }

    private sealed record ProcInfo(int Pid, int ParentPid, string CommandLine, double CpuSeconds, long PeakRssKb, long RssKb);

    private static List<ProcInfo> Snapshot()
    {
        var result = new List<ProcInfo>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            var name = Path.GetFileName(directory);
            if (!int.TryParse(name, out var pid))
            {
                continue;
            }
            try
            {
                var commandLine = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
                var (parent, cpuSeconds) = Stat(directory);
                long hwm = 0, rss = 0;
                foreach (var line in File.ReadLines(Path.Combine(directory, "status")))
                {
                    if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) hwm = Kb(line);
                    else if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = Kb(line);
                }
                result.Add(new ProcInfo(pid, parent, commandLine, cpuSeconds, hwm, rss));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
                // The process ended while being read.
            }
        }
        return result;
    }

    /// <summary>CPU seconds one process has used so far (user and system, its reaped children's included), or null once it has ended.</summary>
    public static double? CpuSecondsOf(int pid)
    {
        try
        {
            return Stat($"/proc/{pid}").CpuSeconds;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private static (int ParentPid, double CpuSeconds) Stat(string directory)
    {
        var stat = File.ReadAllText(Path.Combine(directory, "stat"));
        // The command name sits in parentheses and may contain spaces: fields start after the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // utime and stime, then cutime and cstime: the time of the children it has reaped. A server's short-lived children
        // (Postgres' autovacuum workers, the backend of a connection a pool closed) end during a run, and without their time
        // in their parent's count the server's CPU fell by theirs (at 1M: Postgres 368 CPU-s counted, its backends 516).
        var ticks = fields[11..15].Sum(f => double.Parse(f, CultureInfo.InvariantCulture));
        return (int.Parse(fields[1], CultureInfo.InvariantCulture), ticks / TicksPerSecond);
    }

    private static long Kb(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}
