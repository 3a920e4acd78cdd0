namespace HubPlatform.HubEmulator.Traffic;

/// <summary><c>Emulator:RateLimit</c>: the Hub's fixed-window quotas on <c>/api</c>, off unless enabled.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "Emulator:RateLimit";

    public bool Enabled { get; set; }

    /// <summary>Requests per window for a client without a token (counted per IP).</summary>
    public int AnonymousQuota { get; set; } = 500;

    /// <summary>Requests per window for a Bearer token.</summary>
    public int TokenQuota { get; set; } = 1000;

    public int WindowSeconds { get; set; } = 300;
}
