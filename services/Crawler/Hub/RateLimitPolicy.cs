using System.Globalization;

namespace HubPlatform.Crawler.Hub;

/// <summary>
/// The Hub's quota as its <c>RateLimit-Policy: "fixed window";"api";q=1000;w=300</c> header states it:
/// <see cref="Quota"/> requests per window of <see cref="WindowSeconds"/>.
/// </summary>
public readonly record struct RateLimitPolicy(int Quota, double WindowSeconds)
{
    /// <summary>The most requests per second the quota allows over many windows.</summary>
    public double RequestsPerSecond => Quota / WindowSeconds;

    /// <summary>Null when q or w is missing or not positive.</summary>
    public static RateLimitPolicy? Parse(string header) =>
        Number(header, "q") is { } quota && Number(header, "w") is { } window && quota >= 1 && window > 0
            ? new RateLimitPolicy((int)quota, window)
            : null;

    /// <summary>
    /// The number after <c>key=</c> in a structured header field such as <c>"api";r=999;t=300</c> (the Hub's IETF RateLimit fields).
    /// </summary>
    internal static double? Number(string header, string key)
    {
        foreach (var part in header.Split(';', StringSplitOptions.TrimEntries))
        {
            if (part.Length > key.Length && part.StartsWith(key, StringComparison.Ordinal) && part[key.Length] == '='
                && double.TryParse(part.AsSpan(key.Length + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }
        }
        return null;
    }
}
