using System.Text.Json.Nodes;

namespace HubPlatform.HubEmulator.Hub.Synthetic;

/// <summary>
/// Generated datasets with the Hub's dataset tags (task_categories:, modality:, size_categories:,
/// license:, language:) and domain tags. A few are evaluation benchmarks, and those take most
/// of the downloads: every model is evaluated on them again and again.
/// </summary>
public sealed class SyntheticDatasets(int seed, Timeline timeline, Authors authors, EmulatorClock clock)
    : SyntheticRepos(RepoType.Dataset, seed, timeline, authors, clock)
{
    private const double BenchmarkShare = 0.03;

    /// <summary>The dataset's draws, recomputed from its seed whenever asked (nothing is stored).</summary>
    private readonly record struct Facts(int Task, int Domain, int License, int Size, string Language, bool Benchmark, int Word);

    private Facts FactsOf(int index)
    {
        var random = Random(index, 3);
        return new Facts(
            random.Weighted(DatasetVocabulary.TaskShares),
            random.Weighted(DatasetVocabulary.DomainShares),
            random.Weighted(DatasetVocabulary.LicenseShares),
            random.Weighted(DatasetVocabulary.SizeShares),
            random.Pick(DatasetVocabulary.Languages),
            random.Chance(BenchmarkShare),
            random.Next(1000));
    }

    private readonly WeightedPool _trainingData = new();

    public bool IsBenchmark(int index) => FactsOf(index).Benchmark;

    /// <summary>Training data a model names in its card: popular datasets that existed before it, never benchmarks.</summary>
    public int DrawTrainingData(ref SeededRandom random, int below) => _trainingData.Draw(ref random, below);

    protected override void Create(int index, ref RepoLife life)
    {
        var benchmark = FactsOf(index).Benchmark;
        var random = Random(index, 4);
        life.PeakDownloads = random.Chance(benchmark ? 0.05 : 0.6) ? 0 : (float)Math.Min(5e7, (benchmark ? 3000 : 1) * random.Pareto(0.7));
        life.HalfLifeDays = random.Chance(benchmark ? 0.7 : 0.05) ? 0 : (float)(30 * random.Pareto(1.5));
        life.Likes = (int)(Math.Pow(life.PeakDownloads, 0.6) * 0.03 * (0.3 + 3 * random.NextDouble()));
        if (!benchmark)
        {
            _trainingData.Add(index, 0.1 + Math.Sqrt(life.PeakDownloads));
        }
    }

    protected override string Name(int index)
    {
        var facts = FactsOf(index);
        var words = DatasetVocabulary.Words;
        if (facts.Benchmark)
        {
            return $"{DatasetVocabulary.BenchmarkStems[facts.Word % DatasetVocabulary.BenchmarkStems.Length]}-{Suffix(index)}";
        }
        var topic = DatasetVocabulary.Domains[facts.Domain].Domain ?? DatasetVocabulary.Tasks[facts.Task].Task;
        return $"{topic}-{words[facts.Word % words.Length]}-{Suffix(index)}";
    }

    public override IEnumerable<string> Tags(int index)
    {
        var facts = FactsOf(index);
        var (task, modality, _) = DatasetVocabulary.Tasks[facts.Task];
        yield return $"task_categories:{task}";
        yield return $"language:{facts.Language}";
        yield return $"license:{DatasetVocabulary.Licenses[facts.License].License}";
        yield return $"size_categories:{DatasetVocabulary.Sizes[facts.Size].Size}";
        yield return $"modality:{modality}";
        yield return "format:parquet";
        yield return "library:datasets";
        if (DatasetVocabulary.Domains[facts.Domain].Domain is { } domain)
        {
            yield return domain;
        }
        if (facts.Benchmark)
        {
            yield return "benchmark";
        }
        yield return "region:us";
    }

    protected override void Describe(int index, JsonObject repo)
    {
        var facts = FactsOf(index);
        repo["key"] = "";
        repo["description"] = Summary(index);
        var cardData = new JsonObject
        {
            ["license"] = new JsonArray(DatasetVocabulary.Licenses[facts.License].License),
            ["task_categories"] = new JsonArray(DatasetVocabulary.Tasks[facts.Task].Task),
            ["language"] = new JsonArray(facts.Language),
            ["size_categories"] = new JsonArray(DatasetVocabulary.Sizes[facts.Size].Size),
            ["pretty_name"] = Name(index),
        };
        if (DatasetVocabulary.Domains[facts.Domain].Domain is { } domain)
        {
            cardData["tags"] = new JsonArray(domain);
        }
        repo["cardData"] = cardData;
    }

    protected override string Summary(int index) => FactsOf(index) is { Benchmark: true } facts
        ? $"An evaluation benchmark for {DatasetVocabulary.Tasks[facts.Task].Task}."
        : $"A {DatasetVocabulary.Tasks[FactsOf(index).Task].Modality} dataset for {DatasetVocabulary.Tasks[FactsOf(index).Task].Task}.";
}
