namespace HubPlatform.HubEmulator.Hub;

/// <summary>
/// The emulated hub's own time (<c>Emulator:Now</c>, moved by <c>/admin/clock</c>). A generated hub is
/// made from it (what exists, how many downloads a repo has, which repos were renamed or deleted), so
/// its clock never moves by itself and a seed always gives the same hub. A replayed hub's data does not
/// change with time, so its clock runs, as the real Hub's does, from the moment the data was captured:
/// two crawls of it are stamped in the order they ran.
/// </summary>
public sealed class EmulatorClock
{
    private readonly TimeProvider? _running;
    private readonly long _startedAt;
    private long _ticks;

    /// <param name="running">The time that moves the clock (a replay), or null for a clock that moves only when advanced.</param>
    public EmulatorClock(DateTimeOffset start, TimeProvider? running = null)
    {
        _ticks = start.UtcTicks;
        _running = running;
        _startedAt = running?.GetTimestamp() ?? 0;
    }

    public DateTimeOffset Now => new(Interlocked.Read(ref _ticks) + Elapsed().Ticks, TimeSpan.Zero);

    public DateTimeOffset Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        Interlocked.Add(ref _ticks, by.Ticks);
        return Now;
    }

    private TimeSpan Elapsed() => _running?.GetElapsedTime(_startedAt) ?? TimeSpan.Zero;
}
