namespace HubPlatform.HubEmulator.Hub;

/// <summary>
/// The emulated hub's own time (<c>Emulator:Now</c>, moved by <c>/admin/clock</c>): what exists,
/// how many downloads a repo has and which repos were renamed or deleted all follow it, so weekly
/// crawls can be run back to back. It never moves by itself.
/// </summary>
public sealed class EmulatorClock(DateTimeOffset start)
{
    private long _ticks = start.UtcTicks;

    public DateTimeOffset Now => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public DateTimeOffset Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        return new DateTimeOffset(Interlocked.Add(ref _ticks, by.Ticks), TimeSpan.Zero);
    }
}
