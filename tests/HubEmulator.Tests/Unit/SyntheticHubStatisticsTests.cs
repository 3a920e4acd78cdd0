using System.Text.Json.Nodes;
using HubPlatform.HubEmulator.Hub;
using HubPlatform.HubEmulator.Hub.Synthetic;

namespace HubPlatform.Tests.HubEmulator.Unit;

/// <summary>The generated hub has the Hub's known shape, measured on a mid-size hub of 20k models.</summary>
public class SyntheticHubStatisticsTests(MidSizeHub hub) : IClassFixture<MidSizeHub>
{
    private readonly SyntheticModels _models = hub.Models;
    private readonly int[] _existing = hub.Models.Ordered("_id", false);

    [Fact]
    public void The_hub_has_the_asked_size_give_or_take_deleted_models()
    {
        Assert.InRange(_existing.Length, 19_000, 20_000);
    }

    [Fact]
    public void Downloads_follow_a_power_law_most_models_have_none_and_the_top_percent_has_almost_all()
    {
        var downloads = _existing.Select(_models.Downloads).OrderDescending().ToArray();
        var zeroShare = downloads.Count(d => d == 0) / (double)downloads.Length;
        var topShare = downloads.Take(downloads.Length / 100).Sum() / (double)downloads.Sum();

        Assert.InRange(zeroShare, 0.6, 0.8);
        Assert.InRange(topShare, 0.95, 1.0);
    }

    [Fact]
    public void New_models_per_month_grow_quickly()
    {
        var now = EmulatorOptions.SyntheticStart;
        int CreatedBetween(int monthsAgoFrom, int monthsAgoTo) =>
            _existing.Count(i => _models.CreatedAt(i) >= now.AddMonths(-monthsAgoFrom) && _models.CreatedAt(i) < now.AddMonths(-monthsAgoTo));

        var lastYear = CreatedBetween(12, 0);
        var yearBefore = CreatedBetween(24, 12);
        var lastMonth = CreatedBetween(1, 0);
        var sameMonthTwoYearsAgo = CreatedBetween(25, 24);

        Assert.InRange(lastYear / (double)yearBefore, 1.5, 3);
        Assert.True(lastMonth > 3 * sameMonthTwoYearsAgo, $"{lastMonth} vs {sameMonthTwoYearsAgo}");
    }

    [Fact]
    public void Derivatives_form_trees_below_a_few_popular_base_models_with_the_four_relations()
    {
        var byKind = _existing.GroupBy(i => _models.Traits(i).Kind).ToDictionary(g => g.Key, g => g.ToArray());
        var derivatives = _existing.Where(i => _models.Traits(i).Kind >= ModelKind.Finetune).ToArray();
        Assert.InRange(derivatives.Length / (double)_existing.Length, 0.3, 0.7);
        Assert.True(byKind[ModelKind.Finetune].Length > byKind[ModelKind.Adapter].Length);
        Assert.True(byKind[ModelKind.Quantized].Length > byKind[ModelKind.Merge].Length);
        Assert.True(byKind[ModelKind.Merge].Length > 100);

        Assert.All(byKind[ModelKind.Merge], m => Assert.True(_models.Parents(m).Count() >= 2));

        var parents = _existing.SelectMany(_models.Parents).ToHashSet();
        var quantizedLeaves = byKind[ModelKind.Quantized].Count(q => !parents.Contains(q)) / (double)byKind[ModelKind.Quantized].Length;
        Assert.True(quantizedLeaves >= 0.98);

        Assert.Contains(derivatives, d => _models.Traits(d).Depth >= 4);

        // A few base models became platforms: the biggest tree holds a large share of all derivatives.
        var biggestTree = derivatives.GroupBy(d => _models.Traits(d).Root).Max(g => g.Count());
        Assert.True(biggestTree > derivatives.Length / 20, $"{biggestTree} of {derivatives.Length}");
    }

    [Fact]
    public void Lineage_is_in_the_tags_and_in_the_card_data_like_on_the_hub()
    {
        foreach (var index in _existing.Where(i => _models.Traits(i).Kind >= ModelKind.Finetune).Take(300))
        {
            var json = _models.Json(index);
            var tags = json["tags"]!.AsArray().Select(t => (string)t!).ToArray();
            var relation = _models.Traits(index).Kind.ToString().ToLowerInvariant();
            var parentIds = _models.Parents(index).Select(_models.Id).ToArray();
            foreach (var parent in parentIds)
            {
                Assert.Contains($"base_model:{parent}", tags);
                Assert.Contains($"base_model:{relation}:{parent}", tags);
            }
            var baseModel = json["cardData"]!["base_model"]!;
            Assert.Equal(parentIds, baseModel is JsonArray list ? list.Select(p => (string)p!).ToArray() : [(string)baseModel!]);
        }
    }

    [Fact]
    public void Prepared_tag_filters_agree_with_the_tags_themselves()
    {
        var parents = _existing.Where(i => _models.Traits(i).Kind >= ModelKind.Finetune).Take(20).SelectMany(_models.Parents).Distinct().Take(5);
        var tags = parents.SelectMany(p => (string[])[$"base_model:{_models.Id(p)}", $"base_model:finetune:{_models.Id(p)}",
            $"base_model:quantized:{_models.Id(p)}"])
            .Concat(["text-generation", "gguf", "mergekit", "license:mit"]);
        foreach (var tag in tags)
        {
            var filter = _models.TagFilter(tag);
            var fast = _existing.Where(filter).ToArray();
            Assert.Equal(_existing.Where(i => _models.HasTag(i, tag)).ToArray(), fast);
            if (tag.Split(':').Length < 3)
            {
                // Plain lineage tags name parents of existing models, the others are common tags.
                Assert.NotEmpty(fast);
            }
        }
    }

    [Fact]
    public void Models_name_training_datasets_that_existed_before_them_and_are_not_benchmarks()
    {
        var datasets = hub.Datasets;
        var trained = _existing.Where(i => _models.Traits(i).Dataset >= 0).ToArray();

        Assert.InRange(trained.Length / (double)_existing.Length, 0.1, 0.5);
        Assert.All(trained, m =>
        {
            var dataset = _models.Traits(m).Dataset;
            Assert.False(datasets.IsBenchmark(dataset));
            Assert.True(datasets.CreatedAt(dataset) <= _models.CreatedAt(m));
        });
        var tag = $"dataset:{datasets.Id(_models.Traits(trained[0]).Dataset)}";
        Assert.Equal(_existing.Where(i => _models.HasTag(i, tag)), _existing.Where(_models.TagFilter(tag)));
        Assert.Contains(tag, _models.Json(trained[0])["tags"]!.AsArray().Select(t => (string?)t));
    }

    [Fact]
    public void Every_kind_of_publisher_is_there_with_believable_distinct_names()
    {
        var authors = _models.Authors;
        var kinds = _existing.Select(i => authors.Kind(_models.AuthorIndex(i))).ToArray();
        Assert.All(Enum.GetValues<AuthorKind>(), kind => Assert.Contains(kind, kinds));
        Assert.InRange(kinds.Count(k => k == AuthorKind.Individual) / (double)kinds.Length, 0.5, 0.9);

        var names = Enumerable.Range(0, authors.Count).Select(authors.Name).ToArray();
        Assert.Equal(names.Length, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Contains("meta-llama", names);
        Assert.Contains(Enumerable.Range(0, authors.Count), a => authors.Kind(a) == AuthorKind.University
            && authors.FullName(a).StartsWith("University of ", StringComparison.Ordinal));
    }

    [Fact]
    public void Pipeline_tags_and_libraries_come_in_realistic_proportions()
    {
        var pipelines = _existing.GroupBy(_models.PipelineTag).OrderByDescending(g => g.Count()).ToArray();
        Assert.Equal("text-generation", pipelines[0].Key);
        Assert.InRange(pipelines.Single(g => g.Key is null).Count() / (double)_existing.Length, 0.1, 0.5);
        Assert.True(pipelines.Length >= 10);

        var libraries = _existing.GroupBy(_models.LibraryName).OrderByDescending(g => g.Count()).Select(g => g.Key).ToArray();
        Assert.Equal("transformers", libraries[0]);
        Assert.Contains("peft", libraries);
        Assert.Contains("gguf", libraries);
    }

    [Fact]
    public void Downloads_fade_after_release_while_a_few_models_persist()
    {
        var now = EmulatorOptions.SyntheticStart;
        double MeanDownloads(Func<double, bool> ageInDays) =>
            _existing.Where(i => _models.Traits(i).Kind != ModelKind.BaseModel && ageInDays((now - _models.CreatedAt(i)).TotalDays))
                .Average(i => (double)_models.Downloads(i));

        Assert.True(MeanDownloads(age => age is > 30 and < 120) > 3 * MeanDownloads(age => age > 730));
        Assert.Contains(_existing, i => (now - _models.CreatedAt(i)).TotalDays > 730 && _models.Downloads(i) > 1000);
    }

    [Fact]
    public void Evaluation_benchmarks_are_few_datasets_but_take_most_downloads()
    {
        var datasets = hub.Datasets;
        var existing = datasets.Ordered("_id", false);
        var benchmarks = existing.Where(datasets.IsBenchmark).ToArray();

        Assert.InRange(existing.Length, 4_500, 5_000);
        Assert.InRange(benchmarks.Length / (double)existing.Length, 0.01, 0.06);
        Assert.True(benchmarks.Sum(datasets.Downloads) > 0.5 * existing.Sum(datasets.Downloads));
    }

    [Fact]
    public void Datasets_carry_the_hubs_dataset_tags_and_domains()
    {
        var datasets = hub.Datasets;
        var tags = datasets.Ordered("_id", false).Select(i => datasets.Tags(i).ToArray()).ToArray();
        foreach (var prefix in (string[])["task_categories:", "modality:", "size_categories:", "license:", "language:"])
        {
            Assert.All(tags, t => Assert.Contains(t, tag => tag.StartsWith(prefix, StringComparison.Ordinal)));
        }
        var all = tags.SelectMany(t => t).ToHashSet();
        Assert.Superset(new HashSet<string> { "finance", "medical", "robotics", "science", "modality:image", "modality:audio", "size_categories:n<1K",
            "size_categories:1M<n<10M" }, all);
    }

    [Fact]
    public void Spaces_use_models_that_existed_before_them()
    {
        var spaces = hub.Spaces;
        var existing = spaces.Ordered("_id", false);
        var using_ = existing.Where(s => spaces.ModelsUsed(s).Count > 0).ToArray();

        Assert.InRange(existing.Length, 9_000, 10_000);
        Assert.True(using_.Length > existing.Length / 2);
        Assert.All(using_.Take(500), s => Assert.All(spaces.ModelsUsed(s), m => Assert.True(_models.CreatedAt(m) <= spaces.CreatedAt(s))));
        Assert.Contains(using_, s => spaces.Json(s)["models"]!.AsArray().Count > 0);
    }
}

/// <summary>One 20k-model hub for the statistics tests (generating it is the slow part).</summary>
public sealed class MidSizeHub
{
    public MidSizeHub()
    {
        Hub = SyntheticHub.Create(new EmulatorOptions { SyntheticModels = 20_000, Seed = 42 }, new EmulatorClock(EmulatorOptions.SyntheticStart));
    }

    public EmulatedHub Hub { get; }

    public SyntheticModels Models => (SyntheticModels)Hub.Repos(RepoType.Model);

    public SyntheticDatasets Datasets => (SyntheticDatasets)Hub.Repos(RepoType.Dataset);

    public SyntheticSpaces Spaces => (SyntheticSpaces)Hub.Repos(RepoType.Space);
}
