using System.Text.Json.Nodes;
using HubPlatform.HubEmulator.Hub.Synthetic;

namespace HubPlatform.HubEmulator.Hub;

/// <summary>
/// <c>/api/organizations/{name}/overview</c> and <c>/api/users/{name}/overview</c> in the Hub's
/// shape. Counts are taken from the repos that exist now. A generated hub knows who is an
/// organization; a replayed snapshot only knows author names, so both answers fit any author.
/// </summary>
public static class AuthorOverview
{
    public static JsonObject? Organization(EmulatedHub hub, string name) => Overview(hub, name, organization: true);

    public static JsonObject? User(EmulatedHub hub, string name) => Overview(hub, name, organization: false);

    private static JsonObject? Overview(EmulatedHub hub, string name, bool organization)
    {
        var authors = hub.Authors;
        var author = authors?.Find(name) ?? -1;
        if (authors is not null && (author < 0 || authors.IsOrganization(author) != organization))
        {
            return null;
        }
        var counts = RepoTypes.All.ToDictionary(t => t, t => Count(hub.Repos(t), name));
        if (authors is null && counts.Values.Sum() == 0)
        {
            return null;
        }
        var canonical = authors is not null ? authors.Name(author) : name;
        var fullName = authors is not null ? authors.FullName(author) : canonical;
        var overview = new JsonObject
        {
            ["_id"] = $"{(uint)canonical.GetHashCode(StringComparison.OrdinalIgnoreCase) ^ 0x5f0000u:x8}0000000000000000",
            ["avatarUrl"] = $"https://cdn-avatars.huggingface.co/v1/production/uploads/{canonical}.png",
            ["fullname"] = fullName,
            ["numModels"] = counts[RepoType.Model],
            ["numDatasets"] = counts[RepoType.Dataset],
            ["numSpaces"] = counts[RepoType.Space],
            ["numFollowers"] = counts.Values.Sum() * 3,
            ["numPapers"] = 0,
        };
        if (organization)
        {
            overview["name"] = canonical;
            overview["type"] = "org";
            overview["isVerified"] = author >= 0 && author < Authors.WellKnown.Length;
            overview["isEnterprise"] = author >= 0 && authors!.Kind(author) == AuthorKind.Company;
            overview["isFollowing"] = false;
            overview["numUsers"] = 1 + counts.Values.Sum() / 10;
        }
        else
        {
            overview["user"] = canonical;
            overview["type"] = "user";
            overview["isPro"] = false;
            overview["numDiscussions"] = 0;
            overview["numUpvotes"] = 0;
            overview["numLikes"] = 0;
            overview["numFollowing"] = 0;
            overview["orgs"] = new JsonArray();
        }
        return overview;
    }

    private static int Count(RepoCollection repos, string author) => repos.Ordered("_id", false).Count(repos.AuthorFilter(author));
}
