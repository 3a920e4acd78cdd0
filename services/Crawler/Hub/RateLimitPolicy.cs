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
    public static RateLimitPolicy? Parse(string header)
    {
        int? quota = null;
        double? window = null;
        foreach (var part in header.Split(';', StringSplitOptions.TrimEntries))
        {
            if (part.StartsWith("q=", StringComparison.Ordinal) && int.TryParse(part.AsSpan(2), NumberStyles.Integer, CultureInfo.InvariantCulture, out var q))
            {
                quota = q;
            }
            else if (part.StartsWith("w=", StringComparison.Ordinal) && double.TryParse(part.AsSpan(2), NumberStyles.Float, CultureInfo.InvariantCulture, out var w))
            {
                window = w;
            }
        }
        return quota > 0 && window > 0 ? new RateLimitPolicy(quota.Value, window.Value) : null;
    }
}
