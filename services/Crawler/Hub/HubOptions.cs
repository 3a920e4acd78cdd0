namespace HubPlatform.Crawler.Hub;

/// <summary>
/// Where the Hub is, in the variables the Hub's own clients read: <c>HF_ENDPOINT</c> (the
/// emulator, or https://huggingface.co) and <c>HF_TOKEN</c>.
/// </summary>
public sealed class HubOptions
{
    public const string DefaultEndpoint = "https://huggingface.co";

    public required Uri Endpoint { get; init; }

    public string? Token { get; init; }

    public int MaxAttemptsPerPage { get; init; } = 6;

    /// <summary>The longest a 429's Retry-After (or RateLimit reset) is waited out at once; longer asks are capped and logged.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The first backoff after a 5xx or timeout; doubles per try, with jitter.</summary>
    public TimeSpan FirstBackoff { get; init; } = TimeSpan.FromMilliseconds(500);
}
