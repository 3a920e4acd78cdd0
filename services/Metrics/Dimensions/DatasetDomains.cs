using System.Text.RegularExpressions;
using HubPlatform.Contracts;

namespace HubPlatform.Metrics.Dimensions;

/// <summary>
/// The domains a dataset serves and whether it is an evaluation benchmark, by rules on words
/// (documented in docs/ORG_TYPES.md, "Dataset domains"): whole words of the free tags (tags
/// without a <c>key:</c> prefix), the task categories, the repo name and the pretty name; the
/// card's <c>language: code</c>; and the well-known benchmarks a name is. Real Hub datasets often
/// have no free tags at all (the Hub's listing gives their <c>cardData</c>: license, language,
/// task categories), so the name carries most of the signal, including compounds of it
/// ("finemath", "codeforces") and camel case ("NuminaMath" → numina, math).
/// </summary>
public static partial class DatasetDomains
{
    public static readonly IReadOnlyDictionary<string, string[]> Words = new Dictionary<string, string[]>
    {
        ["finance"] = ["finance", "financial", "fintech", "stock", "stocks", "trading", "banking", "economics"],
        ["healthcare"] = ["medical", "medicine", "clinical", "health", "healthcare", "biomedical", "radiology", "patient", "patients"],
        ["biology"] = ["biology", "genomics", "protein", "proteins", "dna", "rna", "bioinformatics"],
        ["chemistry"] = ["chemistry", "chemical", "molecule", "molecules", "molecular"],
        ["science"] = ["science", "scientific", "sci", "physics", "astronomy", "papers"],
        ["math"] = ["math", "mathematics", "arithmetic", "algebra", "geometry", "calculus", "theorem", "theorems", "olympiad", "gsm"],
        ["code"] = ["code", "codes", "coder", "coding", "programming", "python", "sql", "software", "codeforces", "leetcode", "swe", "notebooks",
            "jupyter"],
        ["legal"] = ["legal", "law", "court", "contracts"],
        ["robotics"] = ["robotics", "robot", "lerobot"],
        ["climate"] = ["climate", "weather"],
        ["education"] = ["education", "educational", "edu"],
        ["arts"] = ["art", "music"],
    };

    public static readonly string[] All = Words.Keys.ToArray();

    /// <summary>What <c>domain=none</c> means on the DataVerse API and in breakdowns: a dataset with no domain.</summary>
    public const string None = "none";

    private static readonly Dictionary<string, string> DomainOfWord = Words
        .SelectMany(d => d.Value.Select(w => (Word: w, Domain: d.Key)))
        .ToDictionary(x => x.Word, x => x.Domain);

    /// <summary>
    /// Stems that make a domain inside a one-word compound of a name ("finemath", "webmath",
    /// "codealpaca"). "code" only as a prefix: as a suffix it is "unicode", "barcode", "encode".
    /// </summary>
    private static readonly (string Stem, string Domain, bool Suffix)[] Compounds = [("math", "math", true), ("code", "code", false)];

    /// <summary>
    /// Benchmarks well known enough to recognise by name (lower case, separators removed), with the
    /// domain the benchmark is about when it has one.
    /// </summary>
    private static readonly Dictionary<string, string?> KnownBenchmarks = new(StringComparer.OrdinalIgnoreCase)
    {
        ["mmlu"] = null, ["gsm8k"] = "math", ["hellaswag"] = null, ["truthfulqa"] = null, ["humaneval"] = "code", ["gpqa"] = "science",
        ["bbh"] = null, ["ifeval"] = null, ["medqa"] = "healthcare", ["finqa"] = "finance", ["legalbench"] = "legal", ["sciq"] = "science",
        ["mmmu"] = null, ["winogrande"] = null, ["piqa"] = null, ["boolq"] = null, ["squad"] = null, ["glue"] = null, ["superglue"] = null,
        ["mbpp"] = "code", ["lambada"] = null, ["apps"] = "code", ["livecodebench"] = "code", ["omnimath"] = "math", ["math500"] = "math",
        ["aime"] = "math", ["lexam"] = "legal", ["riddlesense"] = null,
    };

    private static readonly string[] BenchmarkTags = ["benchmark", "evaluation", "leaderboard", "eval"];

    private static IEnumerable<string> FreeTags(DatasetObservation d) => d.Tags.Where(t => !t.Contains(':'));

    public static string[] Of(DatasetObservation d)
    {
        var words = FreeTags(d).Concat(d.TaskCategories).Append(Name(d.Id)).Append(d.PrettyName ?? "")
            .SelectMany(OrgTypes.Words).ToArray();
        var domains = words.Select(w => DomainOfWord.GetValueOrDefault(w) ?? Compound(w)).OfType<string>();
        // The card's language "code" is the Hub's way of saying a dataset is source code (The Stack, APPS).
        if (d.Languages.Contains("code", StringComparer.OrdinalIgnoreCase))
        {
            domains = domains.Append("code");
        }
        // A name that begins with a well-known benchmark's is about that benchmark's topic, be it the
        // benchmark or data made after it ("gsm8k-like"): GSM8K is math either way.
        if (NamedAfter(Name(d.Id)) is { } benchmark && KnownBenchmarks[benchmark] is { } domain)
        {
            domains = domains.Append(domain);
        }
        return domains.Distinct().Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>
    /// A benchmark says so in a free tag or in its name ("…Bench", "Benchmark", "IFEval"), or its
    /// name is a well-known one (MMLU, GSM8K, ...), maybe with a version or variant ("squad_v2",
    /// "mmlu-pro"), but not a dataset named after one ("ifeval-like-data" is training data).
    /// </summary>
    public static bool IsBenchmark(DatasetObservation d)
    {
        var name = Name(d.Id);
        return FreeTags(d).Any(t => BenchmarkTags.Contains(t, StringComparer.OrdinalIgnoreCase))
            || Benchmark(name) is not null
            || OrgTypes.Words(name).Any(w => w is "benchmark" or "leaderboard" or "eval" || w.EndsWith("bench", StringComparison.Ordinal));
    }

    /// <summary>The well-known benchmark a name is: its leading parts joined, then only version or variant parts.</summary>
    private static string? Benchmark(string name) => Leading(name, rest => rest.All(p => Variant().IsMatch(p)));

    /// <summary>The well-known benchmark a name begins with, whatever follows.</summary>
    private static string? NamedAfter(string name) => Leading(name, _ => true);

    private static string? Leading(string name, Func<string[], bool> rest)
    {
        var parts = NameSeparators().Split(name.ToLowerInvariant()).Where(p => p.Length > 0).ToArray();
        for (var i = parts.Length; i > 0; i--)
        {
            var head = string.Concat(parts[..i]);
            if (KnownBenchmarks.ContainsKey(head) && rest(parts[i..]))
            {
                return head;
            }
        }
        return null;
    }

    private static string? Compound(string word) =>
        Compounds.FirstOrDefault(c => word.Length > c.Stem.Length + 2
            && (word.StartsWith(c.Stem, StringComparison.Ordinal) || (c.Suffix && word.EndsWith(c.Stem, StringComparison.Ordinal)))).Domain;

    private static string Name(string id) => id[(id.IndexOf('/') + 1)..];

    [GeneratedRegex(@"[-_.\s]+")]
    private static partial Regex NameSeparators();

    [GeneratedRegex(@"^(v?\d+|pro|plus|lite|hard|verified|redux|extended)$")]
    private static partial Regex Variant();
}
