using HubPlatform.Contracts;

namespace HubPlatform.Metrics.Dimensions;

/// <summary>
/// What kind of author publishes a repo: company, university, research-institute, non-profit,
/// individual or community. The rules, in order, are documented in docs/ORG_TYPES.md: the curated
/// list of well-known organizations, then the Hub's overview (user accounts, enterprise plans),
/// then words in the name and display name, then a default.
/// </summary>
public static class OrgTypes
{
    public const string Company = "company";
    public const string University = "university";
    public const string ResearchInstitute = "research-institute";
    public const string NonProfit = "non-profit";
    public const string Individual = "individual";
    public const string Community = "community";

    public static readonly string[] All = [Company, University, ResearchInstitute, NonProfit, Individual, Community];

    public static bool IsKnown(string orgType) => All.Contains(orgType);

    /// <summary>Well-known organizations whose kind no rule on their name would find.</summary>
    private static readonly Dictionary<string, string> Curated = new(StringComparer.OrdinalIgnoreCase)
    {
        ["meta-llama"] = Company, ["facebook"] = Company, ["google"] = Company, ["google-bert"] = Company, ["google-t5"] = Company,
        ["google-deepmind"] = Company, ["microsoft"] = Company, ["mistralai"] = Company, ["Qwen"] = Company, ["Alibaba-NLP"] = Company,
        ["deepseek-ai"] = Company, ["stabilityai"] = Company, ["openai"] = Company, ["nvidia"] = Company, ["HuggingFaceTB"] = Company,
        ["HuggingFaceH4"] = Company, ["HuggingFaceM4"] = Company, ["huggingface"] = Company, ["ibm-granite"] = Company, ["ibm"] = Company,
        ["black-forest-labs"] = Company, ["apple"] = Company, ["amazon"] = Company, ["baidu"] = Company, ["tencent"] = Company,
        ["Salesforce"] = Company, ["intel"] = Company, ["OpenVINO"] = Company, ["PrunaAI"] = Company, ["wandb"] = Company,
        ["unsloth"] = Company, ["CohereForAI"] = Company, ["01-ai"] = Company, ["THUDM"] = University, ["sentence-transformers"] = Community,
        ["EleutherAI"] = NonProfit, ["laion"] = NonProfit, ["allenai"] = ResearchInstitute, ["tiiuae"] = ResearchInstitute,
        ["bigscience"] = Community, ["bigcode"] = Community, ["masakhane"] = Community, ["OpenLLM-Ro"] = Community, ["TheBloke"] = Individual,
        ["stanford-crfm"] = University, ["stanfordnlp"] = University, ["zjunlp"] = University, ["uw-madison"] = University,
        ["mit-han-lab"] = University, ["princeton-nlp"] = University, ["cmu-lti"] = University,
    };

    private static readonly string[] UniversityWords = ["university", "universität", "universite", "université", "universidad", "college", "school",
        "uni"];
    private static readonly string[] InstituteWords = ["institute", "institut", "research", "lab", "laboratory", "center", "centre"];
    private static readonly string[] NonProfitWords = ["foundation", "nonprofit", "non", "initiative", "trust", "collective", "association", "ngo"];
    private static readonly string[] CommunityWords = ["community", "crew", "makers", "club", "guild", "hub"];
    private static readonly string[] CompanyWords = ["inc", "ltd", "llc", "gmbh", "corp", "corporation", "company", "technologies", "tech", "systems",
        "analytics", "robotics", "intelligence", "labs", "ai"];

    /// <summary>The org type of an author from its name alone, or with the Hub's overview when the crawler fetched it.</summary>
    public static string Classify(string name, AuthorOverview? overview)
    {
        if (Curated.TryGetValue(name, out var curated))
        {
            return curated;
        }
        if (overview is not null && string.Equals(overview.Type, "user", StringComparison.OrdinalIgnoreCase))
        {
            return Individual;
        }
        if (overview is { IsEnterprise: true })
        {
            return Company;
        }
        var words = Words(name).Concat(Words(overview?.Fullname)).ToHashSet();
        if (UniversityWords.Any(words.Contains)) return University;
        if (InstituteWords.Any(words.Contains)) return ResearchInstitute;
        if (NonProfitWords.Any(words.Contains)) return NonProfit;
        if (CommunityWords.Any(words.Contains)) return Community;
        if (CompanyWords.Any(words.Contains)) return Company;
        return overview is null ? Individual : overview.IsVerified ? Company : Community;
    }

    /// <summary>Lower-case words of a name: split on separators and on camel case ("NexaAI" → nexa, ai).</summary>
    public static IEnumerable<string> Words(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            yield break;
        }
        var word = new System.Text.StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var boundary = !char.IsLetterOrDigit(c)
                || (char.IsUpper(c) && i > 0
                    && (char.IsLower(text[i - 1]) || (i + 1 < text.Length && char.IsLower(text[i + 1]) && char.IsUpper(text[i - 1]))));
            if (boundary && word.Length > 0)
            {
                yield return word.ToString().ToLowerInvariant();
                word.Clear();
            }
            if (char.IsLetterOrDigit(c))
            {
                word.Append(c);
            }
        }
        if (word.Length > 0)
        {
            yield return word.ToString().ToLowerInvariant();
        }
    }
}
