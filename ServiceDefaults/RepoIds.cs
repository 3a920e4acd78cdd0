using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;

namespace Microsoft.Extensions.Hosting;

/// <summary>The Hub's repo id rules: an optional namespace and a name of letters, digits, '-', '_' and '.', at most 96 characters each.</summary>
public static partial class RepoIds
{
    [GeneratedRegex(@"^(?:[A-Za-z0-9][A-Za-z0-9._-]{0,95}/)?[A-Za-z0-9][A-Za-z0-9._-]{0,95}$")]
    private static partial Regex Pattern();

    public static bool IsValid(string id) => Pattern().IsMatch(id);

    public static ProblemDetails Problem(string id) => new()
    {
        Title = "Invalid repo id",
        Status = 400,
        Detail = "A repo id is 'name' or 'namespace/name' with letters, digits, '-', '_' and '.'.",
    };
}
