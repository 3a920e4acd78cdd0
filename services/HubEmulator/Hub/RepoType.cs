namespace HubPlatform.HubEmulator.Hub;

/// <summary>The three kinds of repo the Hub hosts; each has its own <c>/api/{plural}</c> routes.</summary>
public enum RepoType
{
    Model,
    Dataset,
    Space,
}

public static class RepoTypes
{
    public static readonly RepoType[] All = [RepoType.Model, RepoType.Dataset, RepoType.Space];

    /// <summary>The path segment of the API (<c>/api/models</c>) and the snapshot file name (<c>models.jsonl</c>).</summary>
    public static string Plural(this RepoType type) => type switch
    {
        RepoType.Model => "models",
        RepoType.Dataset => "datasets",
        _ => "spaces",
    };
}
