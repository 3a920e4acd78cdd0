using HubPlatform.Contracts;

namespace HubPlatform.Metrics.Queries;

/// <summary>Where metrics keeps a repo type: its facts table, its dimensions table and the facts' key column (fixed names, never input).</summary>
internal sealed record RepoTables(RepoType Type, string Facts, string Repos, string Key)
{
    public static IReadOnlyList<RepoTables> All { get; } =
    [
        new(RepoType.Model, "model_facts", "models", "model_id"),
        new(RepoType.Dataset, "dataset_facts", "datasets", "dataset_id"),
        new(RepoType.Space, "space_facts", "spaces", "space_id"),
    ];

    public static RepoTables Of(RepoType type) => All.Single(t => t.Type == type);
}
