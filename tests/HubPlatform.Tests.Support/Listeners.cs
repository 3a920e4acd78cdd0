using System.Globalization;
using System.Net;

namespace HubPlatform.Tests.Support;

/// <summary>
/// The listening TCP sockets of a set of processes, read from /proc (/proc/net/tcp and tcp6 give
/// each listener's address and socket inode; /proc/{pid}/fd links name the sockets a process holds).
/// </summary>
public static class Listeners
{
    public sealed record Listener(int Pid, string Process, IPAddress Address, int Port)
    {
        public bool OnLoopback => IPAddress.IsLoopback(Address.IsIPv4MappedToIPv6 ? Address.MapToIPv4() : Address);

        public override string ToString() => $"{Process} (pid {Pid}) on {Address}:{Port}";
    }

    /// <summary>Every listener held by a process for which <paramref name="belongs"/> is true.</summary>
    public static IReadOnlyList<Listener> Of(Func<int, bool> belongs)
    {
        var byInode = ListeningSockets();
        var found = new List<Listener>();
        foreach (var pid in Pids().Where(belongs))
        {
            string[] fds;
            try
            {
                fds = Directory.GetFiles($"/proc/{pid}/fd");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue; // gone meanwhile
            }
            foreach (var fd in fds)
            {
                var target = new FileInfo(fd).LinkTarget;
                if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal)
                    && byInode.TryGetValue(target["socket:[".Length..^1], out var socket))
                {
                    found.Add(new Listener(pid, Name(pid), socket.Address, socket.Port));
                }
            }
        }
        return found;
    }

    public static IEnumerable<int> Pids() =>
        Directory.EnumerateDirectories("/proc").Select(Path.GetFileName)
            .Where(n => n!.All(char.IsDigit)).Select(n => int.Parse(n!, CultureInfo.InvariantCulture));

    /// <summary>The process's command line and environment, NULs as spaces ("" once it is gone).</summary>
    public static string CommandLineAndEnvironment(int pid) => Read($"/proc/{pid}/cmdline") + " " + Read($"/proc/{pid}/environ");

    /// <summary>Whether <paramref name="pid"/> is one of <paramref name="ancestors"/> or runs under one.</summary>
    public static bool DescendsFrom(int pid, IReadOnlySet<int> ancestors)
    {
        for (var current = pid; current > 1; current = ParentOf(current))
        {
            if (ancestors.Contains(current))
            {
                return true;
            }
        }
        return false;
    }

    private static int ParentOf(int pid)
    {
        // /proc/{pid}/stat: "pid (comm) state ppid ...": comm may hold spaces and parentheses.
        var stat = Read($"/proc/{pid}/stat");
        var end = stat.LastIndexOf(')');
        if (end < 0 || end + 2 > stat.Length)
        {
            return 0; // the process ended while the listeners were read
        }
        var fields = stat[(end + 2)..].Split(' ');
        return fields.Length > 1 && int.TryParse(fields[1], CultureInfo.InvariantCulture, out var parent) ? parent : 0;
    }

    private static string Name(int pid) => Read($"/proc/{pid}/comm").Trim();

    private static string Read(string path)
    {
        try
        {
            return File.ReadAllText(path).Replace('\0', ' ');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    private static Dictionary<string, (IPAddress Address, int Port)> ListeningSockets()
    {
        var sockets = new Dictionary<string, (IPAddress, int)>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 10 || fields[3] != "0A") // 0A: TCP_LISTEN
                {
                    continue;
                }
                var (address, port) = (fields[1][..fields[1].IndexOf(':')], fields[1][(fields[1].IndexOf(':') + 1)..]);
                sockets[fields[9]] = (ParseAddress(address), int.Parse(port, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            }
        }
        return sockets;
    }

    /// <summary>The kernel prints each 32-bit word of the address in host (little-endian) order.</summary>
    private static IPAddress ParseAddress(string hex)
    {
        var bytes = new byte[hex.Length / 2];
        for (var word = 0; word < bytes.Length / 4; word++)
        {
            for (var b = 0; b < 4; b++)
            {
                bytes[word * 4 + b] = byte.Parse(hex.AsSpan(word * 8 + (3 - b) * 2, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            }
        }
        return new IPAddress(bytes);
    }
}
