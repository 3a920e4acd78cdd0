using HubPlatform.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HubPlatform.ServiceDefaults;

/// <summary>The one answer every service gives to a repo id that breaks the Hub's rules (<see cref="RepoIds"/>).</summary>
public static class InvalidRepoId
{
    public static ProblemHttpResult Problem() =>
        TypedResults.Problem(title: "Invalid repo id", statusCode: StatusCodes.Status400BadRequest, detail: RepoIds.Rule);
}
