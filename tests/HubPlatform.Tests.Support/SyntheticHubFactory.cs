namespace HubPlatform.Tests.Support;

/// <summary>
/// The emulator serving a small generated hub (300 models, 150 datasets, 150 spaces, seed 11). Its
/// clock starts an hour before the wall clock, so crawl times and repo times compare as on the
/// real Hub; each test class gets its own, since advancing the clock changes the hub.
/// </summary>
public sealed class SyntheticHubFactory : EmulatorFactory
{
    public SyntheticHubFactory()
        : this(new DateTimeOffset(DateTimeOffset.UtcNow.AddHours(-1).Ticks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero))
    {
    }

    private SyntheticHubFactory(DateTimeOffset startedAt)
        : base(models: 300, seed: 11, datasets: 150, spaces: 150, now: startedAt) => StartedAt = startedAt;

    public DateTimeOffset StartedAt { get; }
}
