namespace HubPlatform.HubEmulator.Hub.Synthetic;

/// <summary>
/// The users and organizations of a generated hub. Author N's kind and name come from
/// (seed, N) alone; the first authors are the well-known organizations that publish base models.
/// Low indices publish the most (see <see cref="DrawPublisher"/>), like the Hub's few prolific accounts.
/// </summary>
public sealed class Authors
{
    /// <summary>Real organizations, so base models read like the Hub's.</summary>
    public static readonly (string Name, AuthorKind Kind)[] WellKnown =
    [
        ("meta-llama", AuthorKind.Company), ("google", AuthorKind.Company), ("microsoft", AuthorKind.Company),
        ("mistralai", AuthorKind.Company), ("Qwen", AuthorKind.Company), ("deepseek-ai", AuthorKind.Company),
        ("stabilityai", AuthorKind.Company), ("openai", AuthorKind.Company), ("nvidia", AuthorKind.Company),
        ("facebook", AuthorKind.Company), ("EleutherAI", AuthorKind.NonProfit), ("bigscience", AuthorKind.CommunityGroup),
        ("allenai", AuthorKind.ResearchInstitute), ("tiiuae", AuthorKind.ResearchInstitute), ("HuggingFaceTB", AuthorKind.Company),
        ("stanford-crfm", AuthorKind.University), ("ibm-granite", AuthorKind.Company), ("black-forest-labs", AuthorKind.Company),
    ];

    private static readonly string[] CompanyStems = ["Nexa", "Lumen", "Aether", "Quanta", "Vector", "Cobalt", "Helix", "Orbit", "Sable", "Tensor",
        "Nova", "Polar", "Kite", "Zephyr", "Ember", "Atlas", "Vireo", "Solace", "Arcadia", "Mosaic"];
    private static readonly string[] CompanySuffixes = ["AI", "Labs", "Systems", "Analytics", "Robotics", "ML", "Intelligence", "Tech"];
    private static readonly string[] Places = ["tartu", "lisbon", "kyoto", "nairobi", "zurich", "delhi", "montreal", "helsinki", "seoul", "lagos",
        "austin", "bologna", "edinburgh", "tsinghua", "cairo", "sao-paulo", "krakow", "leiden", "osaka", "bogota"];
    private static readonly string[] UniversityGroups = ["nlp", "ml-group", "vision-lab", "speech", "ai-lab", "clinical-nlp"];
    private static readonly string[] InstituteStems = ["institute-for-ai", "research-center", "ai-institute", "computing-institute"];
    private static readonly string[] NonProfitStems = ["open", "free", "common", "public"];
    private static readonly string[] NonProfitSuffixes = ["ai-foundation", "ml-collective", "science-initiative", "data-trust"];
    private static readonly string[] CommunityStems = ["swahili-nlp", "gguf-makers", "merge-crew", "indic-llm", "arabic-nlp", "roleplay-hub",
        "local-llm", "bio-ml", "turkish-nlp", "open-speech"];
    private static readonly string[] FirstNames = ["maria", "wei", "ahmed", "olga", "john", "priya", "kenji", "fatima", "lucas", "aisha", "tom",
        "mei", "ivan", "sara", "diego", "nina", "omar", "yuki", "emma", "raj"];
    private static readonly string[] LastNames = ["kim", "smith", "chen", "garcia", "novak", "okafor", "sato", "muller", "rossi", "singh", "khan",
        "silva", "ivanova", "lee", "nguyen"];

    /// <summary>Shares of kinds among accounts that are not well known.</summary>
    private static readonly double[] KindShares = [0.84, 0.05, 0.03, 0.02, 0.015, 0.045];

    private readonly int _seed;
    private Dictionary<string, int>? _byName;

    public Authors(int seed, int count)
    {
        _seed = seed;
        Count = Math.Max(count, WellKnown.Length + 10);
    }

    public int Count { get; }

    public AuthorKind Kind(int author)
    {
        if (author < WellKnown.Length)
        {
            return WellKnown[author].Kind;
        }
        var random = new SeededRandom(_seed, 1, author);
        return (AuthorKind)random.Weighted(KindShares);
    }

    public string Name(int author)
    {
        if (author < WellKnown.Length)
        {
            return WellKnown[author].Name;
        }
        var (kind, first, second, round) = Parts(author);
        var suffix = round > 0 ? $"-{round}" : "";
        return kind switch
        {
            AuthorKind.Company => $"{first}{second}{suffix}",
            AuthorKind.CommunityGroup => $"{first}{suffix}",
            AuthorKind.Individual => $"{first}-{second}{author}",
            _ => $"{first}-{second}{suffix}",
        };
    }

    /// <summary>The display name, which tells a reader what kind of organization this is.</summary>
    public string FullName(int author)
    {
        if (author < WellKnown.Length)
        {
            return WellKnown[author].Name;
        }
        var (kind, first, second, _) = Parts(author);
        return kind switch
        {
            AuthorKind.Company => $"{first} {second}",
            AuthorKind.University => $"University of {Title(first)} {Title(second)}",
            AuthorKind.CommunityGroup => $"{Title(first)} Community",
            _ => $"{Title(first)} {Title(second)}",
        };
    }

    /// <summary>
    /// The two words of a name, taken from the index itself (not drawn) so no two authors of a
    /// kind share one; the round tells apart authors once the word pairs run out.
    /// </summary>
    private (AuthorKind Kind, string First, string Second, int Round) Parts(int author)
    {
        var kind = Kind(author);
        var (firsts, seconds) = kind switch
        {
            AuthorKind.Company => (CompanyStems, CompanySuffixes),
            AuthorKind.University => (Places, UniversityGroups),
            AuthorKind.ResearchInstitute => (Places, InstituteStems),
            AuthorKind.NonProfit => (NonProfitStems, NonProfitSuffixes),
            AuthorKind.CommunityGroup => (CommunityStems, [""]),
            _ => (FirstNames, LastNames),
        };
        return (kind, firsts[author % firsts.Length], seconds[author / firsts.Length % seconds.Length], author / (firsts.Length * seconds.Length));
    }

    /// <summary>The author with this name, or -1; the index of names is built on first use.</summary>
    public int Find(string name)
    {
        var byName = LazyInitializer.EnsureInitialized(ref _byName, () =>
            Enumerable.Range(0, Count).ToDictionary(Name, a => a, StringComparer.OrdinalIgnoreCase));
        return byName.GetValueOrDefault(name, -1);
    }

    private static string Title(string words) =>
        string.Join(' ', words.Split('-').Select(w => w.Length <= 2 ? w.ToUpperInvariant() : char.ToUpperInvariant(w[0]) + w[1..]));

    public bool IsOrganization(int author) => Kind(author) != AuthorKind.Individual;

    /// <summary>Any author, the prolific (low-index) ones far more often.</summary>
    public int DrawPublisher(ref SeededRandom random) => (int)(Count * Math.Pow(random.NextDouble(), 2.5));

    /// <summary>An organization that trains base models: mostly the well-known ones.</summary>
    public int DrawBaseModelPublisher(ref SeededRandom random)
    {
        if (random.Chance(0.7))
        {
            return random.Next(WellKnown.Length);
        }
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var author = DrawPublisher(ref random);
            if (Kind(author) is AuthorKind.Company or AuthorKind.University or AuthorKind.ResearchInstitute or AuthorKind.NonProfit)
            {
                return author;
            }
        }
        return random.Next(WellKnown.Length);
    }
}
