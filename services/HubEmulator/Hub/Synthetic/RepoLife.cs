namespace HubPlatform.HubEmulator.Hub.Synthetic;

/// <summary>
/// What every generated repo has, in a few bytes instead of a JSON object: when it was created,
/// renamed (moved to another author) and deleted, in minutes since <see cref="Timeline.Epoch"/>,
/// and the numbers its downloads and likes follow over its life.
/// </summary>
public struct RepoLife
{
    public int Created { get; set; }
    public int Renamed { get; set; }
    public int Deleted { get; set; }
    public int Author { get; set; }
    public int NewAuthor { get; set; }

    /// <summary>Downloads over 30 days at the repo's peak; 0 for the majority nobody downloads.</summary>
    public float PeakDownloads { get; set; }

    /// <summary>Days for downloads to halve after release; 0 for repos whose downloads persist.</summary>
    public float HalfLifeDays { get; set; }

    public int Likes { get; set; }
}
