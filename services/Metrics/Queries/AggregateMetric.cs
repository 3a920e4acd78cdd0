namespace HubPlatform.Metrics.Queries;

/// <summary>A ranking metric as the column of a snapshot aggregate row <c>t</c> (SnapshotAggregates), whose counts are in
/// <paramref name="count"/>.</summary>
internal static class AggregateMetric
{
    public static string Column(string metric, string count) => metric switch
    {
        "downloads" => "t.downloads",
        "downloadsAllTime" => "t.downloads_all_time",
        "likes" => "t.likes",
        _ => count,
    };
}
