using System.Runtime.InteropServices;

namespace HubPlatform.Bench.Reporting;

/// <summary>What the numbers were measured on.</summary>
public sealed record MachineInfo(int Cores, string Cpu, double RamGb, string Os, string Runtime, double LoadAverage)
{
    public static MachineInfo Read() => new(
        Environment.ProcessorCount,
        ReadField("/proc/cpuinfo", "model name", ':') ?? RuntimeInformation.ProcessArchitecture.ToString(),
        double.Parse((ReadField("/proc/meminfo", "MemTotal", ':') ?? "0 kB").Split(' ')[0],
        System.Globalization.CultureInfo.InvariantCulture) / 1024 / 1024,
        ReadField("/etc/os-release", "PRETTY_NAME", '=')?.Trim('"') ?? RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        LoadAverageNow());

    /// <summary>The one-minute load average: above the core count, others were using the machine too.</summary>
    public static double LoadAverageNow() =>
        File.Exists("/proc/loadavg")
            ? double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture)
            : double.NaN;

    private static string? ReadField(string path, string name, char separator)
    {
        if (!File.Exists(path))
        {
            return null;
        }
        return File.ReadLines(path).Where(l => l.StartsWith(name, StringComparison.Ordinal))
            .Select(l => l[(l.IndexOf(separator) + 1)..].Trim()).FirstOrDefault();
    }
}
