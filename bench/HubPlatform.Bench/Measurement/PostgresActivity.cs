using Npgsql;

namespace HubPlatform.Bench.Measurement;

/// <summary>
/// What each service's Postgres sessions are doing, sampled from <c>pg_stat_activity</c>: running a
/// statement on the CPU, or waiting (for a row lock another transaction holds, an LWLock, I/O, the
/// client). Statement times alone cannot tell CPU from waiting, and per-process CPU cannot tell which
/// service's statements burn it.
/// </summary>
public sealed class PostgresActivity
{
    private readonly Dictionary<(string Role, string State), long> _samples = [];
    // Each backend's CPU time from /proc at its first and latest sample (the servers run on this machine): "on the CPU"
    // above counts a session that is runnable but waits for a core, and on a busy machine that is most of them.
    private readonly Dictionary<int, (string Role, double First, double Last)> _backends = [];

    public int Sweeps { get; private set; }

    /// <summary>
    /// Reads every backend of one server once (a few ms): counts each active session of a service's role by what it waits on,
    /// and takes every backend's CPU time (sessions by role, autovacuum and the server's own processes by type; a backend first
    /// seen after the first sweep started during the measurement, so all of its time counts). With several servers, each is
    /// sampled and then the sweep counted once (<see cref="Swept"/>).
    /// </summary>
    public async Task SampleAsync(NpgsqlConnection db, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            SELECT pid, coalesce(usename, backend_type), coalesce(state = 'active' AND usename LIKE 'hub\_%', false),
                   coalesce(wait_event_type || ':' || wait_event, 'CPU')
            FROM pg_stat_activity
            WHERE pid <> pg_backend_pid()
            """, db);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var (pid, role) = (reader.GetInt32(0), reader.GetString(1));
            if (reader.GetBoolean(2))
            {
                var key = (role, reader.GetString(3));
                _samples[key] = _samples.GetValueOrDefault(key) + 1;
            }
            if (ProcessMonitor.CpuSecondsOf(pid) is { } cpu)
            {
                // A lower time than before is a new process under a reused pid.
                _backends[pid] = _backends.TryGetValue(pid, out var seen) && cpu >= seen.Last
                    ? seen with { Last = cpu }
                    : (role, Sweeps == 0 ? cpu : 0, cpu);
            }
        }
    }

    /// <summary>CPU seconds Postgres' backends used between the first sweep and the last, by session role or process type.</summary>
    public IEnumerable<(string Role, double CpuSeconds)> CpuByRole() =>
        _backends.Values.GroupBy(b => b.Role).Select(g => (g.Key, g.Sum(b => b.Last - b.First))).OrderByDescending(r => r.Item2);

    /// <summary>One sweep over every server is done.</summary>
    public void Swept() => Sweeps++;

    /// <summary>
    /// Per role: average sessions running a statement (on the CPU or waiting), and the most frequent
    /// waits, as average sessions waiting on them.
    /// </summary>
    public IEnumerable<(string Role, double Active, double OnCpu, string TopWaits)> Summary() =>
        _samples.GroupBy(s => s.Key.Role).OrderByDescending(g => g.Sum(s => s.Value)).Select(g =>
        {
            var sweeps = Math.Max(Sweeps, 1);
            var waits = g.Where(s => s.Key.State != "CPU").OrderByDescending(s => s.Value).Take(3)
                .Select(s => $"{s.Key.State} {s.Value / (double)sweeps:F2}");
            return (g.Key, g.Sum(s => s.Value) / (double)sweeps, g.Where(s => s.Key.State == "CPU").Sum(s => s.Value) / (double)sweeps,
                string.Join(", ", waits) is { Length: > 0 } w ? w : "none");
        });
}
