namespace HubPlatform.HubEmulator.Traffic;

/// <summary>
/// <c>Emulator:Faults</c>: what goes wrong on purpose, for testing clients. "Every Nth" counts
/// requests to <c>/api</c> and raw files from 1, so a test knows exactly which request fails;
/// rates draw from a random seeded with <see cref="Seed"/>. All zero means no faults.
/// </summary>
public sealed record FaultOptions
{
    public const string Section = "Emulator:Faults";

    public int LatencyMs { get; init; }

    /// <summary>Share of requests (0..1) answered with <see cref="ErrorStatus"/>.</summary>
    public double ErrorRate { get; init; }

    public int ErrorEveryNth { get; init; }

    public int ErrorStatus { get; init; } = 503;

    /// <summary>Every Nth response body is cut in half.</summary>
    public int TruncateEveryNth { get; init; }

    /// <summary>Every Nth response body is not JSON any more (same length, a broken token).</summary>
    public int MalformedEveryNth { get; init; }

    /// <summary>Every Nth request has its connection aborted without an answer.</summary>
    public int DropEveryNth { get; init; }

    public int Seed { get; init; } = 1;
}
