using System.Text.Json;
using HubPlatform.Contracts;
using static HubPlatform.Crawler.Hub.HubJson;

namespace HubPlatform.Crawler.Hub;

/// <summary>
/// Reads <c>/api/organizations/{name}/overview</c> or <c>/api/users/{name}/overview</c>. The two
/// answers differ (an organization has <c>name</c>, a user <c>user</c>); the type falls back to
/// which endpoint answered when the Hub leaves it out.
/// </summary>
public static class AuthorOverviewParser
{
    public static AuthorOverview Parse(string requestedName, JsonElement overview)
    {
        var type = String(overview, "type") ?? (overview.TryGetProperty("user", out _) ? "user" : "org");
        return new AuthorOverview(
            Name: String(overview, "name") ?? String(overview, "user") ?? requestedName,
            Type: type,
            Fullname: String(overview, "fullname"),
            IsVerified: Bool(overview, "isVerified"),
            IsEnterprise: Bool(overview, "isEnterprise"),
            NumModels: Long(overview, "numModels"),
            NumDatasets: Long(overview, "numDatasets"),
            NumSpaces: Long(overview, "numSpaces"),
            NumFollowers: Long(overview, "numFollowers"),
            NumUsers: Long(overview, "numUsers"),
            Details: String(overview, "details"));
    }
}
