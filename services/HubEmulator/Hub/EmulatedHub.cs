using HubPlatform.HubEmulator.Hub.Synthetic;

namespace HubPlatform.HubEmulator.Hub;

/// <summary>
/// The hub the emulator serves: its models, datasets and spaces, and for a generated hub its
/// users and organizations (a replayed snapshot knows authors only by name).
/// </summary>
public sealed class EmulatedHub(IReadOnlyDictionary<RepoType, RepoCollection> repos, Authors? authors = null)
{
    public Authors? Authors => authors;

    public RepoCollection Repos(RepoType type)
    {
        var collection = repos[type];
        collection.Refresh();
        return collection;
    }
}
