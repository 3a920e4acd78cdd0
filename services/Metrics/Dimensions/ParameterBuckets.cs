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

    /// <summary>The smallest parameter count of bucket <paramref name="bucket"/> (an index into <see cref="All"/>).</summary>
    public static long Lowest(int bucket) => bucket == 0 ? 1 : Bounds[bucket - 1].Below;

    /// <summary>The largest parameter count of bucket <paramref name="bucket"/> (the last one has no upper bound).</summary>
    public static long Highest(int bucket) => bucket == Bounds.Length - 1 ? long.MaxValue : Bounds[bucket].Below - 1;

    /// <summary>SQL giving the bucket index of <paramref name="column"/> (-1 for a count of 0 or less, which has no bucket).</summary>
    public static string IndexSql(string column) =>
        $"width_bucket({column}, ARRAY[{string.Join(", ", Enumerable.Range(0, All.Length).Select(Lowest))}]::bigint[]) - 1";
}
