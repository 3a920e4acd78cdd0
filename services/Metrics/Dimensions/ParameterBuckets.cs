namespace HubPlatform.Metrics.Dimensions;

/// <summary>Size classes of a model's safetensors parameter total, the way model cards talk about them.</summary>
public static class ParameterBuckets
{
    private static readonly (long Below, string Name)[] Bounds =
    [
        (100_000_000, "<100M"), (1_000_000_000, "100M-1B"), (3_000_000_000, "1B-3B"), (10_000_000_000, "3B-10B"),
        (30_000_000_000, "10B-30B"), (100_000_000_000, "30B-100B"), (long.MaxValue, "100B+"),
    ];

    public static readonly string[] All = Bounds.Select(b => b.Name).ToArray();

    public static string? Of(long? parameters) =>
        parameters is not { } p || p <= 0 ? null : Bounds.First(b => p < b.Below || b.Below == long.MaxValue).Name;
}
