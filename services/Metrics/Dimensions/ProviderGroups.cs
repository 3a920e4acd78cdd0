namespace HubPlatform.Metrics.Dimensions;

/// <summary>
/// Providers that publish under several Hub accounts (Meta = facebook + meta-llama, ...), so
/// views can add them up. An account belongs to at most one group.
/// </summary>
public static class ProviderGroups
{
    public static readonly IReadOnlyDictionary<string, string[]> Members = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase)
    {
        ["meta"] = ["facebook", "meta-llama"],
        ["google"] = ["google", "google-bert", "google-t5", "google-deepmind"],
        ["microsoft"] = ["microsoft"],
        ["alibaba"] = ["Qwen", "Alibaba-NLP", "alibaba-pai"],
        ["mistral"] = ["mistralai"],
        ["deepseek"] = ["deepseek-ai"],
        ["nvidia"] = ["nvidia"],
        ["ibm"] = ["ibm", "ibm-granite", "ibm-research"],
        ["stability"] = ["stabilityai"],
        ["openai"] = ["openai"],
        ["huggingface"] = ["huggingface", "HuggingFaceTB", "HuggingFaceH4", "HuggingFaceM4"],
        ["intel"] = ["intel", "Intel", "OpenVINO"],
        ["ai2"] = ["allenai"],
        ["tii"] = ["tiiuae"],
    };

    private static readonly Dictionary<string, string> GroupOf = Members
        .SelectMany(g => g.Value.Select(m => (Member: m, Group: g.Key)))
        .DistinctBy(x => x.Member, StringComparer.OrdinalIgnoreCase)
        .ToDictionary(x => x.Member, x => x.Group, StringComparer.OrdinalIgnoreCase);

    public static string? Of(string author) => GroupOf.GetValueOrDefault(author);

    public static bool IsGroup(string name) => Members.ContainsKey(name);
}
