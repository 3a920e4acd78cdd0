namespace HubPlatform.Contracts;

/// <summary>
/// A <see cref="RepoType"/> in the Hub's own word, lowercase and singular ("model", "dataset", "space", as in the
/// Hub's <c>repo_type</c>): the public API's query values and JSON, and the services' <c>repo_type</c> columns.
/// Messages carry the enum itself; this is the one place its words are spelled.
/// </summary>
public static class RepoTypeNames
{
    public const string Model = "model";
    public const string Dataset = "dataset";
    public const string Space = "space";

    /// <summary>Every type's word, in the enum's order.</summary>
    public static IReadOnlyList<string> All { get; } = [Model, Dataset, Space];

    /// <summary>The type's word.</summary>
    public static string Name(this RepoType type) => type switch
    {
        RepoType.Model => Model,
        RepoType.Dataset => Dataset,
        RepoType.Space => Space,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not a repo type."),
    };

    /// <summary>The type a stored word names; anything else is a <see cref="FormatException"/> (see <see cref="TryParse"/>).</summary>
    public static RepoType Parse(string name) =>
        TryParse(name, out var type) ? type : throw new FormatException($"'{name}' is not a repo type: one of {string.Join(", ", All)}.");

    /// <summary>
    /// The type a word names: exactly one of <see cref="All"/> (ordinal, as the API documents them). The enum's own
    /// names ("Model") and numbers ("0") are refused, so a query value means the same thing wherever it is read.
    /// </summary>
    public static bool TryParse(string? name, out RepoType type)
    {
        switch (name)
        {
            case Model:
                type = RepoType.Model;
                return true;
            case Dataset:
                type = RepoType.Dataset;
                return true;
            case Space:
                type = RepoType.Space;
                return true;
            default:
                type = default;
                return false;
        }
    }
}
