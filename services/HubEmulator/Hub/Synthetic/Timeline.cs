namespace HubPlatform.HubEmulator.Hub.Synthetic;

/// <summary>
/// When repo N of a type is created: new repos per month grow exponentially (the Hub roughly
/// doubles every year), scaled so that <c>countAtStart</c> repos exist at the clock's start.
/// Creation is monotonic in N, so index order is creation order and <c>_id</c> order, and the repos
/// that exist at a time are a prefix of the indices (minus deleted ones).
/// </summary>
public sealed class Timeline
{
    public static readonly DateTimeOffset Epoch = new(2021, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Growth per month: e^(0.058) ≈ 1.06, doubling about every 12 months.</summary>
    private const double Growth = 0.058;

    private const double MinutesPerMonth = 30.44 * 24 * 60;

    private readonly double _scale;

    public Timeline(int countAtStart, DateTimeOffset start)
    {
        var months = Math.Max(1, (start - Epoch).TotalMinutes / MinutesPerMonth);
        _scale = Math.Max(1, countAtStart) / (Math.Exp(Growth * months) - 1);
    }

    public int CreatedMinute(long index, double jitter) =>
        (int)(Math.Log((index + jitter) / _scale + 1) / Growth * MinutesPerMonth);

    public int CountAt(DateTimeOffset time) =>
        (int)Math.Min(int.MaxValue - 1, Math.Floor(_scale * (Math.Exp(Growth * (time - Epoch).TotalMinutes / MinutesPerMonth) - 1)));

    public static int Minute(DateTimeOffset time) => (int)(time - Epoch).TotalMinutes;

    public static DateTimeOffset Time(int minute) => Epoch.AddMinutes(minute);

    public static string Iso(int minute) => Time(minute).ToString("yyyy-MM-ddTHH:mm:ss.fffZ");
}
