using System.Text.RegularExpressions;

namespace HubPlatform.Contracts;

/// <summary>The Hub's repo id rules: an optional namespace and a name of letters, digits, '-', '_' and '.', at most 96 characters each.</summary>
public static partial class RepoIds
{
    /// <summary>The rule in words, for an answer that refuses an id.</summary>
    public const string Rule = "A repo id is 'name' or 'namespace/name' with letters, digits, '-', '_' and '.'.";

    [GeneratedRegex(@"^(?:[A-Za-z0-9][A-Za-z0-9._-]{0,95}/)?[A-Za-z0-9][A-Za-z0-9._-]{0,95}$")]
    private static partial Regex Pattern();

    public static bool IsValid(string id) => Pattern().IsMatch(id);
}
