using System.Globalization;

namespace HubPlatform.Tests.Search;

/// <summary>
/// This process's threads as Linux accounts for them: each thread's nice value and the CPU time it used, read from
/// /proc/self/task/{tid}/stat (fields 14 and 15, user and system time in clock ticks; field 19, nice).
/// </summary>
public static class ThreadCpu
{
    public sealed record Sample(string Name, int Nice, long Ticks);

    /// <summary>Every live thread of this process by its kernel thread id.</summary>
    public static Dictionary<int, Sample> Threads()
    {
        var threads = new Dictionary<int, Sample>();
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            if (Read(Path.Combine(task, "stat")) is { } sample)
            {
                threads[int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture)] = sample;
            }
        }
        return threads;
    }

    /// <summary>The calling thread's nice value.</summary>
    public static int CurrentNice() => Read("/proc/thread-self/stat")!.Nice;

    /// <summary>The nice value the process started with (its main thread's).</summary>
    public static int ProcessNice() => Read("/proc/self/stat")!.Nice;

    /// <summary>The CPU ticks each thread used while <paramref name="work"/> ran (threads born meanwhile count from zero), busiest first.</summary>
    public static IReadOnlyList<Sample> TicksDuring(Action work)
    {
        var before = Threads();
        work();
        return Threads()
            .Select(t => t.Value with { Ticks = t.Value.Ticks - (before.TryGetValue(t.Key, out var b) ? b.Ticks : 0) })
            .Where(t => t.Ticks > 0)
            .OrderByDescending(t => t.Ticks)
            .ToArray();
    }

    private static Sample? Read(string path)
    {
        string stat;
        try
        {
            stat = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // the thread ended meanwhile
        }
        // "tid (comm) state ...": comm may hold spaces and parentheses, so fields are counted after the last ')'.
        var nameStart = stat.IndexOf('(', StringComparison.Ordinal) + 1;
        var nameEnd = stat.LastIndexOf(')');
        var fields = stat[(nameEnd + 2)..].Split(' ');
        long Field(int number) => long.Parse(fields[number - 3], CultureInfo.InvariantCulture);
        return new Sample(stat[nameStart..nameEnd], (int)Field(19), Field(14) + Field(15));
    }
}
