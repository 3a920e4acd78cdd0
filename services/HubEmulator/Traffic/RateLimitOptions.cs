namespace HubPlatform.HubEmulator.Traffic;

/// <summary>
/// <c>Emulator:RateLimit</c>: the Hub's fixed-window quotas, off unless enabled. The Hub counts
/// three buckets apart, each with its own quota per class of caller (its published numbers per
/// 5-minute window): <c>api</c> (<c>/api/...</c>), <c>resolvers</c> (file downloads through
/// <c>/resolve/</c>) and <c>pages</c> (everything else, e.g. <c>/raw/</c>).
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "Emulator:RateLimit";

    public bool Enabled { get; set; }

    public int WindowSeconds { get; set; } = 300;

    public BucketQuota Api { get; set; } = new() { Anonymous = 500, Free = 1000, Pro = 2500 };

    /// <summary>
    /// The Hub publishes 3,000 anonymous and 5,000 free and says only "higher" for PRO; the
    /// emulator takes 12,000 for PRO (a number of its own, not the Hub's).
    /// </summary>
    public BucketQuota Resolvers { get; set; } = new() { Anonymous = 3000, Free = 5000, Pro = 12000 };

    public BucketQuota Pages { get; set; } = new() { Anonymous = 100, Free = 200, Pro = 400 };

    /// <summary>
    /// Bearer tokens of a known class (<c>Emulator:RateLimit:Tokens:hf_abc=Pro</c>). A token not
    /// listed is <see cref="TokenClass.Free"/>, as any account's token is; no token is
    /// <see cref="TokenClass.Anonymous"/>, counted per IP.
    /// </summary>
    public Dictionary<string, TokenClass> Tokens { get; set; } = new(StringComparer.Ordinal);

    public BucketQuota Bucket(string bucket) => bucket switch
    {
        "api" => Api,
        "resolvers" => Resolvers,
        _ => Pages,
    };
}

/// <summary>Requests per window of one bucket, per class of caller.</summary>
public sealed class BucketQuota
{
    public int Anonymous { get; set; }
    public int Free { get; set; }
    public int Pro { get; set; }

    public int For(TokenClass caller) => caller switch
    {
        TokenClass.Anonymous => Anonymous,
        TokenClass.Pro => Pro,
        _ => Free,
    };
}

public enum TokenClass
{
    Anonymous,
    Free,
    Pro,
}
