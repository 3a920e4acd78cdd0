using System.Text.Json.Nodes;

namespace HubPlatform.HubEmulator.Hub.Synthetic;

/// <summary>
/// Generated models. A few are base models from well-known organizations; about half are
/// derivatives (finetune, adapter, quantized, merge) drawn toward popular parents, so a few base
/// models become platforms with deep trees; the rest are trained from scratch. Downloads follow a
/// power law: most models are never downloaded, a few hold nearly all downloads.
/// </summary>
public sealed class SyntheticModels : SyntheticRepos
{
    private const double BaseModelShare = 0.004;
    private const double DerivativeShare = 0.5;
    private const int MaxDepth = 6;

    /// <summary>Finetune, adapter, quantized, merge: shares among derivatives.</summary>
    private static readonly double[] RelationShares = [0.50, 0.25, 0.18, 0.07];

    private readonly WeightedPool _baseModels = new();
    private readonly WeightedPool _derivatives = new();
    private readonly Dictionary<int, short> _generations = [];
    private ModelTraits[] _traits = new ModelTraits[1024];

    private readonly SyntheticDatasets _datasets;
    private readonly Timeline _datasetTimeline;

    public SyntheticModels(int seed, Timeline timeline, Authors authors, EmulatorClock clock, SyntheticDatasets datasets, Timeline datasetTimeline)
        : base(RepoType.Model, seed, timeline, authors, clock, drawsFrom: datasets)
    {
        _datasets = datasets;
        _datasetTimeline = datasetTimeline;
    }

    public ModelTraits Traits(int index) => _traits[index];

    /// <summary>A model spaces would show: mostly popular base models and derivatives.</summary>
    public int DrawPopular(ref SeededRandom random, int below) =>
        random.Chance(0.6) ? _baseModels.Draw(ref random, below) : _derivatives.Draw(ref random, below);

    protected override void Create(int index, ref RepoLife life)
    {
        if (index >= _traits.Length)
        {
            Array.Resize(ref _traits, Math.Max(index + 1, _traits.Length * 2));
        }
        var random = Random(index, 3);
        ref var model = ref _traits[index];
        model = new ModelTraits { Root = -1, Parent = -1, Parent2 = -1, Parent3 = -1, Dataset = -1 };
        if (index < 5 || random.Chance(BaseModelShare))
        {
            CreateBaseModel(index, ref life, ref model, ref random);
        }
        else if (random.Chance(DerivativeShare))
        {
            CreateDerivative(ref model, ref random);
        }
        else
        {
            model.Kind = ModelKind.Standalone;
            model.Word = (byte)random.Next(ModelVocabulary.StandaloneWords.Length);
        }
        if (model.Kind is ModelKind.Finetune or ModelKind.Adapter or ModelKind.Standalone && random.Chance(0.4))
        {
            model.Dataset = _datasets.DrawTrainingData(ref random, _datasetTimeline.CountAt(Timeline.Time(life.Created)));
        }
        SetPopularity(index, ref life, model, ref random);
    }

    private void CreateBaseModel(int index, ref RepoLife life, ref ModelTraits model, ref SeededRandom random)
    {
        model.Kind = ModelKind.BaseModel;
        model.Root = index;
        life.Author = Authors.DrawBaseModelPublisher(ref random);
        life.Renamed = life.Deleted = int.MaxValue;
        var publisher = Authors.Name(life.Author);
        var own = Array.FindAll(ModelVocabulary.Families, f => f.Publisher == publisher);
        var family = own.Length > 0 ? random.Pick(own) : random.Pick(ModelVocabulary.Families);
        model.Word = (byte)Array.IndexOf(ModelVocabulary.Families, family);
        // Each publisher's family counts its own generations, which keeps base model ids unique.
        var key = life.Author * 64 + model.Word;
        model.Generation = (short)(_generations.GetValueOrDefault(key) + 1);
        _generations[key] = model.Generation;
        Named[$"{publisher}/{Name(index)}"] = index;
        // Well-known publishers' language models are the ones that became platforms.
        var pull = (life.Author < Authors.WellKnown.Length ? 20 : 1) * (family.Pipeline == "text-generation" ? 5 : 1);
        _baseModels.Add(index, random.Pareto(1.0) * pull);
    }

    private void CreateDerivative(ref ModelTraits model, ref SeededRandom random)
    {
        model.Kind = (ModelKind)((int)ModelKind.Finetune + random.Weighted(RelationShares));
        model.Parent = model.Kind switch
        {
            // Quantizations and adapters mostly sit right below base models; finetunes chain.
            ModelKind.Adapter => DrawParent(0.8, ref random),
            ModelKind.Quantized => DrawParent(0.5, ref random),
            _ => DrawParent(0.6, ref random),
        };
        var parent = _traits[model.Parent];
        if (model.Kind == ModelKind.Merge)
        {
            model.Parent2 = DrawRelative(model.Parent, parent.Root, ref random);
            model.Parent3 = random.Chance(0.2) ? DrawRelative(model.Parent, parent.Root, ref random) : -1;
            if (model.Parent2 < 0 || model.Parent3 == model.Parent2)
            {
                // Too early in the hub for a second parent: then it is a finetune.
                model.Kind = model.Parent2 < 0 ? ModelKind.Finetune : model.Kind;
                model.Parent3 = -1;
            }
        }
        model.Root = parent.Root;
        model.Depth = (byte)(parent.Depth + 1);
        var words = model.Kind switch
        {
            ModelKind.Adapter => ModelVocabulary.AdapterWords,
            ModelKind.Quantized => ModelVocabulary.QuantizedWords,
            ModelKind.Merge => ModelVocabulary.MergeWords,
            _ => ModelVocabulary.FinetuneWords,
        };
        model.Word = (byte)random.Next(words.Length);
    }

    /// <summary>A base model with <paramref name="baseModelShare"/>, else a finetune or merge not too deep.</summary>
    private int DrawParent(double baseModelShare, ref SeededRandom random)
    {
        if (_derivatives.Count > 0 && !random.Chance(baseModelShare))
        {
            var parent = _derivatives.Draw(ref random);
            if (_traits[parent].Depth < MaxDepth)
            {
                return parent;
            }
        }
        return _baseModels.Draw(ref random);
    }

    /// <summary>Another parent for a merge: merges combine models of one family (few tries, then any).</summary>
    private int DrawRelative(int first, int root, ref SeededRandom random)
    {
        var other = first;
        for (var attempt = 0; attempt < 12 && (other == first || (attempt < 8 && _traits[other].Root != root)); attempt++)
        {
            other = DrawParent(0.2, ref random);
        }
        return other == first ? -1 : other;
    }

    private void SetPopularity(int index, ref RepoLife life, ModelTraits model, ref SeededRandom random)
    {
        var (zeroShare, scale) = model.Kind switch
        {
            ModelKind.BaseModel => (0.0, life.Author < Authors.WellKnown.Length ? 20_000.0 : 500),
            ModelKind.Quantized => (0.25, 10.0),
            ModelKind.Finetune or ModelKind.Merge => (0.35, 4.0),
            _ => (0.4, 4.0),
        };
        life.PeakDownloads = random.Chance(zeroShare) ? 0 : (float)Math.Min(5e7, scale * random.Pareto(0.6));
        life.HalfLifeDays = random.Chance(model.Kind == ModelKind.BaseModel ? 0.6 : 0.05) ? 0 : (float)(30 * random.Pareto(1.2));
        life.Likes = (int)(Math.Pow(life.PeakDownloads, 0.6) * 0.05 * (0.3 + 3 * random.NextDouble()));
        // Popular finetunes and merges attract derivatives of their own (quantizations above all).
        if (model.Kind is ModelKind.Finetune or ModelKind.Merge)
        {
            _derivatives.Add(index, 0.05 + Math.Sqrt(life.PeakDownloads));
        }
    }

    protected override string Name(int index)
    {
        var model = _traits[index];
        if (model.Kind == ModelKind.Standalone)
        {
            return $"{Architecture(index)}-{ModelVocabulary.StandaloneWords[model.Word]}-{Suffix(index)}";
        }
        var (family, size) = FamilySize(model);
        var baseName = $"{family.Stem}-{_traits[model.Root].Generation}-{size}";
        return model.Kind switch
        {
            ModelKind.BaseModel => baseName,
            ModelKind.Adapter => $"{baseName}-{ModelVocabulary.AdapterWords[model.Word]}-{Suffix(index)}",
            ModelKind.Quantized => $"{baseName}-{ModelVocabulary.QuantizedWords[model.Word]}-{Suffix(index)}",
            ModelKind.Merge => $"{baseName}-{ModelVocabulary.MergeWords[model.Word]}-{Suffix(index)}",
            _ => $"{baseName}-{ModelVocabulary.FinetuneWords[model.Word]}-{Suffix(index)}",
        };
    }

    private string Architecture(int index) => Random(index, 4).Pick(ModelVocabulary.StandaloneArchitectures);

    /// <summary>The family of a model's root and the size its base model comes in.</summary>
    private (ModelFamily Family, string Size) FamilySize(ModelTraits model)
    {
        var root = _traits[model.Root];
        var family = ModelVocabulary.Families[root.Word];
        return (family, family.Sizes[(model.Root * 7 + root.Generation) % family.Sizes.Length]);
    }

    /// <summary>
    /// The safetensors parameter total the Hub reports (null without safetensors weights: gguf files): a family's
    /// models have its base model's size (an adapter only its LoRA weights, 1M-200M), a model trained from scratch its
    /// architecture's; each a few percent off, as checkpoints are.
    /// </summary>
    public long? ParameterCount(int index)
    {
        if (LibraryName(index) == "gguf")
        {
            return null;
        }
        var model = _traits[index];
        var random = Random(index, 8);
        var size = model.Kind switch
        {
            ModelKind.Standalone => ModelSizes.OfArchitecture(Architecture(index)),
            ModelKind.Adapter => 1e6 * Math.Pow(200, random.NextDouble()),
            _ => ModelSizes.Of(FamilySize(model).Family, FamilySize(model).Size),
        };
        return (long)(size * (0.97 + 0.06 * random.NextDouble()));
    }

    public override string? PipelineTag(int index)
    {
        var model = _traits[index];
        if (model.Kind == ModelKind.Standalone)
        {
            var random = Random(index, 5);
            return ModelVocabulary.Pipelines[random.Weighted(ModelVocabulary.PipelineShares)].Pipeline;
        }
        return ModelVocabulary.Families[_traits[model.Root].Word].Pipeline;
    }

    public string? LibraryName(int index)
    {
        var model = _traits[index];
        var random = Random(index, 6);
        return model.Kind switch
        {
            ModelKind.Standalone => ModelVocabulary.LibraryOf(PipelineTag(index), ref random),
            ModelKind.Adapter => "peft",
            ModelKind.Quantized => random.Chance(0.7) ? "gguf" : "transformers",
            _ => ModelVocabulary.Families[_traits[model.Root].Word].Library,
        };
    }

    /// <summary>The parents that exist now (a deleted parent leaves a dangling edge, as on the Hub).</summary>
    public IEnumerable<int> Parents(int index)
    {
        var model = _traits[index];
        foreach (var parent in (int[])[model.Parent, model.Parent2, model.Parent3])
        {
            if (parent >= 0)
            {
                yield return parent;
            }
        }
    }

    private static string Relation(ModelKind kind) => kind switch
    {
        ModelKind.Adapter => "adapter",
        ModelKind.Quantized => "quantized",
        ModelKind.Merge => "merge",
        _ => "finetune",
    };

    public override IEnumerable<string> Tags(int index)
    {
        var relation = Relation(_traits[index].Kind);
        foreach (var tag in OwnTags(index))
        {
            yield return tag;
            if (tag == "safetensors" || tag == "gguf")
            {
                // Lineage sits after the format tags, as the Hub orders them.
                foreach (var parent in Parents(index))
                {
                    var id = Id(parent);
                    yield return $"base_model:{id}";
                    yield return $"base_model:{relation}:{id}";
                }
            }
        }
    }

    /// <summary>The tags that do not name other models (cheap: at most a dataset id to build).</summary>
    private IEnumerable<string> OwnTags(int index)
    {
        var model = _traits[index];
        var library = LibraryName(index);
        if (library is not null)
        {
            yield return library;
        }
        if (library != "gguf")
        {
            yield return "safetensors";
        }
        if (PipelineTag(index) is { } pipeline)
        {
            yield return pipeline;
        }
        if (model.Kind == ModelKind.Merge)
        {
            yield return "mergekit";
        }
        if (model.Dataset >= 0)
        {
            yield return $"dataset:{_datasets.Id(model.Dataset)}";
        }
        yield return $"license:{License(index)}";
        yield return "region:us";
    }

    /// <summary>
    /// Lineage filters (<c>base_model:X</c>, <c>base_model:{relation}:X</c>) are what crawls of model
    /// trees page through, so the parent is resolved once instead of building every model's tags.
    /// </summary>
    public override Func<int, bool> TagFilter(string tag)
    {
        var (relation, parentId) = tag.Split(':', 3) switch
        {
            ["base_model", var r, var id] when Array.IndexOf(BaseModels.Relations, r) >= 0 => (r, id),
            ["base_model", var id] => (null, id),
            _ => ((string?)null, (string?)null),
        };
        if (tag.StartsWith("dataset:", StringComparison.OrdinalIgnoreCase) && _datasets.IndexOf(tag["dataset:".Length..]) is var dataset and >= 0)
        {
            return index => _traits[index].Dataset == dataset;
        }
        if (parentId is null)
        {
            return index => OwnTags(index).Any(t => string.Equals(t, tag, StringComparison.OrdinalIgnoreCase));
        }
        var parent = IndexOf(parentId);
        if (parent < 0)
        {
            return base.TagFilter(tag);
        }
        return index =>
        {
            var model = _traits[index];
            return (model.Parent == parent || model.Parent2 == parent || model.Parent3 == parent)
                && (relation is null || Relation(model.Kind) == relation);
        };
    }

    private string License(int index)
    {
        var random = Random(index, 7);
        return random.Pick((string[])["apache-2.0", "apache-2.0", "mit", "mit", "llama3", "gemma", "cc-by-nc-4.0", "openrail", "other"]);
    }

    protected override void Describe(int index, JsonObject repo)
    {
        var id = (string)repo["id"]!;
        repo["modelId"] = id;
        repo["pipeline_tag"] = PipelineTag(index);
        repo["library_name"] = LibraryName(index);
        var cardData = new JsonObject { ["license"] = License(index) };
        var parents = Parents(index).Select(Id).ToArray();
        if (parents.Length == 1)
        {
            cardData["base_model"] = parents[0];
        }
        else if (parents.Length > 1)
        {
            cardData["base_model"] = new JsonArray(parents.Select(p => (JsonNode)p).ToArray());
        }
        if (PipelineTag(index) is { } pipeline)
        {
            cardData["pipeline_tag"] = pipeline;
        }
        if (_traits[index].Dataset is var dataset and >= 0)
        {
            cardData["datasets"] = new JsonArray(_datasets.Id(dataset));
        }
        repo["cardData"] = cardData;
        if (ParameterCount(index) is { } parameters)
        {
            repo["safetensors"] = new JsonObject { ["parameters"] = new JsonObject { ["BF16"] = parameters }, ["total"] = parameters };
        }
        repo["siblings"] = new JsonArray(new JsonObject { ["rfilename"] = "README.md" }, new JsonObject { ["rfilename"] = "config.json" });
    }

    protected override string Summary(int index) => _traits[index].Kind switch
    {
        ModelKind.BaseModel => $"A base model for {PipelineTag(index)} trained by {Author(index)}.",
        ModelKind.Standalone => $"A {PipelineTag(index) ?? "machine learning"} model trained from scratch.",
        var kind => $"A {Relation(kind)} of {string.Join(", ", Parents(index).Select(Id))}.",
    };
}
