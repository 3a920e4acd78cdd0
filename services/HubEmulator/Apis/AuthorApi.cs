using HubPlatform.HubEmulator.Hub;

namespace HubPlatform.HubEmulator.Apis;

/// <summary>Who publishes: <c>/api/organizations/{name}/overview</c> and <c>/api/users/{name}/overview</c>.</summary>
public static class AuthorApi
{
    public static IEndpointRouteBuilder MapAuthorApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/organizations/{name}/overview", (string name, EmulatedHub hub) =>
                AuthorOverview.Organization(hub, name) is { } overview ? Results.Text(overview.ToJsonString(), "application/json; charset=utf-8")
                    : RepoApi.HubError(404, "Organization not found"))
            .WithName("GetOrganizationOverview").WithSummary("An organization's display name and repo counts");
        app.MapGet("/api/users/{name}/overview", (string name, EmulatedHub hub) =>
                AuthorOverview.User(hub, name) is { } overview ? Results.Text(overview.ToJsonString(), "application/json; charset=utf-8")
                    : RepoApi.HubError(404, "User not found"))
            .WithName("GetUserOverview").WithSummary("A user's display name and repo counts");
        return app;
    }
}
