using HubPlatform.Contracts;

namespace HubPlatform.Metrics.Dimensions;

/// <summary>
/// The domains a dataset serves and whether it is an evaluation benchmark, by rules on words
/// (documented in docs/ORG_TYPES.md, "Dataset domains"): whole words of the free tags (tags
/// without a <c>key:</c> prefix), the task categories, the repo name and the pretty name.
/// </summary>
public static class DatasetDomains
{
    public static readonly IReadOnlyDictionary<string, string[]> Words = new Dictionary<string, string[]>
    {
        ["finance"] = ["finance", "financial", "fintech", "stock", "stocks", "trading", "banking", "economics"],
        ["healthcare"] = ["medical", "medicine", "clinical", "health", "healthcare", "biomedical", "radiology", "patient", "patients"],
        ["biology"] = ["biology", "genomics", "protein", "proteins", "dna", "rna", "bioinformatics"],
        ["chemistry"] = ["chemistry", "chemical", "molecule", "molecules", "molecular"],
        ["science"] = ["science", "scientific", "physics", "astronomy", "papers"],
        ["math"] = ["math", "mathematics", "arithmetic"],
        ["code"] = ["code", "programming", "python", "sql", "software"],
        ["legal"] = ["legal", "law", "court", "contracts"],
        ["robotics"] = ["robotics", "robot", "lerobot"],
        ["climate"] = ["climate", "weather"],
        ["education"] = ["education", "educational"],
        ["arts"] = ["art", "music"],
    };

    public static readonly string[] All = Words.Keys.ToArray();

    private static readonly Dictionary<string, string> DomainOfWord = Words
        .SelectMany(d => d.Value.Select(w => (Word: w, Domain: d.Key)))
        .ToDictionary(x => x.Word, x => x.Domain);

    /// <summary>Benchmarks well known enough to recognise by the first word of their name.</summary>
    private static readonly HashSet<string> KnownBenchmarks = new(StringComparer.OrdinalIgnoreCase)
    {
        "mmlu", "gsm8k", "hellaswag", "truthfulqa", "humaneval", "gpqa", "bbh", "ifeval", "medqa", "finqa",
        "legalbench", "sciq", "mmmu", "winogrande", "piqa", "boolq", "squad", "glue", "superglue", "mbpp", "lambada",
    };

    private static readonly string[] BenchmarkTags = ["benchmark", "evaluation", "leaderboard", "eval"];

    private static IEnumerable<string> FreeTags(DatasetObservation d) => d.Tags.Where(t => !t.Contains(':'));

    public static string[] Of(DatasetObservation d)
    {
        var words = FreeTags(d).Concat(d.TaskCategories).Append(Name(d.Id)).Append(d.PrettyName ?? "")
            .SelectMany(OrgTypes.Words);
        return words.Select(w => DomainOfWord.GetValueOrDefault(w)).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>A benchmark says so in a free tag, or carries the name of a well-known one (MMLU, GSM8K, ...).</summary>
    public static bool IsBenchmark(DatasetObservation d) =>
        FreeTags(d).Any(t => BenchmarkTags.Contains(t, StringComparer.OrdinalIgnoreCase))
        || KnownBenchmarks.Contains(Name(d.Id).Split('-', '_', '.')[0]);

    private static string Name(string id) => id[(id.IndexOf('/') + 1)..];
}
