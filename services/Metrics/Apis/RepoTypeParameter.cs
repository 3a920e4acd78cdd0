using HubPlatform.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HubPlatform.Metrics.Apis;

/// <summary>
/// The <c>repoType</c> query parameter. It binds as the text the API documents and becomes a <see cref="RepoType"/>
/// here, so everything behind the endpoint uses the enum. Binding the enum itself would also take "Model" and "0"
/// and answer an unknown word with a bare 400; the API promises the Hub's lowercase words and a problem naming them.
/// </summary>
public static class RepoTypeParameter
{
    /// <summary>The HeatMap's word for every type at once.</summary>
    public const string All = "all";

    /// <summary>The one type <paramref name="value"/> names, or a 400 problem naming the allowed words.</summary>
    public static ProblemHttpResult? One(string value, out RepoType type) =>
        RepoTypeNames.TryParse(value, out type) ? null : Invalid(RepoTypeNames.All);

    /// <summary>The type <paramref name="value"/> names, null for <see cref="All"/>, or a 400 problem naming the allowed words.</summary>
    public static ProblemHttpResult? OneOrAll(string value, out RepoType? type)
    {
        type = null;
        if (value == All)
        {
            return null;
        }
        if (!RepoTypeNames.TryParse(value, out var one))
        {
            return Invalid([All, .. RepoTypeNames.All]);
        }
        type = one;
        return null;
    }

    private static ProblemHttpResult Invalid(IEnumerable<string> allowed) =>
        Problems.BadRequest("Invalid repoType", $"repoType is one of {string.Join(", ", allowed)}.");
}
