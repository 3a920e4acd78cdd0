namespace HubPlatform.HubEmulator.Hub;

/// <summary>The hub the emulator serves: its models, datasets and spaces.</summary>
public sealed class EmulatedHub(IReadOnlyDictionary<RepoType, RepoCollection> repos)
{
    public RepoCollection Repos(RepoType type) => repos[type];
}
