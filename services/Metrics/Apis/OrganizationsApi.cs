using HubPlatform.Contracts;
using HubPlatform.Metrics.Dimensions;
using HubPlatform.Metrics.Queries;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HubPlatform.Metrics.Apis;

/// <summary>Authors (organizations and users): what kind they are, their provider group, and what they published.</summary>
public static class OrganizationsApi
{
    public static IEndpointRouteBuilder MapOrganizationsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/organizations").WithTags("Organizations");
        api.MapGet("/", List).WithName("ListOrganizations")
            .WithSummary("Organizations by downloads (models + datasets), optionally searched by name and filtered by org type");
        api.MapGet("/{name}", Details).WithName("GetOrganization")
            .WithSummary("One organization: its kind, provider group, counts, downloads, likes and top models and datasets");
        return app;
    }

    private static async Task<Results<Ok<IReadOnlyList<OrganizationListItem>>, ProblemHttpResult>> List(
        OrganizationsQuery query, SnapshotQuery snapshots, ResponseCache cache, HttpRequest request, CancellationToken ct,
        string? search = null, int k = 50, string? orgType = null, Guid? snapshot = null)
    {
        if (Problems.First(Problems.InRange("k", k, 1, 500), Problems.OneOf("orgType", orgType, OrgTypes.All),
                search is { Length: > 100 } ? Problems.BadRequest("Invalid search", "search is at most 100 characters.") : null)
            is { } problem) return problem;
        var (s, missing) = await Problems.SnapshotAsync(snapshots, snapshot, ct);
        if (missing is not null) return missing;
        return TypedResults.Ok(await cache.GetOrCreateAsync($"orgs:list:{s!.Id}:{request.QueryString}",
            () => query.ListAsync(s.Id, search, k, orgType, ct)));
    }

    private static async Task<Results<Ok<OrganizationDetails>, ProblemHttpResult>> Details(
        string name, OrganizationsQuery query, SnapshotQuery snapshots, ResponseCache cache, CancellationToken ct, Guid? snapshot = null)
    {
        if (!RepoIds.IsValid(name + "/x"))
        {
            return Problems.BadRequest("Invalid name", "name is a Hub account name.");
        }
        var (s, missing) = await Problems.SnapshotAsync(snapshots, snapshot, ct);
        if (missing is not null) return missing;
        var details = await cache.GetOrCreateAsync($"orgs:one:{s!.Id}:{name.ToLowerInvariant()}", () => query.DetailsAsync(s.Id, name, ct));
        return details is null ? Problems.NotFound("Organization not found", $"Snapshot {s.Id} saw no repo of '{name}'.") : TypedResults.Ok(details);
    }
}
