using System.Text.Json.Nodes;

namespace HubPlatform.HubEmulator.Hub.Synthetic;

/// <summary>
/// Generated spaces: demos and apps, most on Gradio, that use models (mostly popular base models
/// and derivatives that existed when the space was made). Spaces have likes, not downloads.
/// </summary>
public sealed class SyntheticSpaces : SyntheticRepos
{
    private static readonly (string Sdk, double Share)[] Sdks = [("gradio", 0.62), ("streamlit", 0.13), ("docker", 0.17), ("static", 0.08)];
    private static readonly double[] SdkShares = Sdks.Select(s => s.Share).ToArray();
    private static readonly string[] Words = ["demo", "chat", "playground", "arena", "leaderboard", "app", "explorer", "studio", "tts", "ocr"];
    private static readonly string[] Emojis = ["🚀", "🤗", "🔥", "🦙", "📊", "🎨", "🗣️", "🧪"];
    private static readonly string[] Colors = ["blue", "green", "indigo", "pink", "purple", "red", "yellow", "gray"];

    private readonly SyntheticModels _models;
    private readonly Timeline _modelTimeline;
    private int[][] _uses = new int[1024][];

    public SyntheticSpaces(int seed, Timeline timeline, Authors authors, EmulatorClock clock, SyntheticModels models, Timeline modelTimeline)
        : base(RepoType.Space, seed, timeline, authors, clock, drawsFrom: models)
    {
        _models = models;
        _modelTimeline = modelTimeline;
    }

    public IReadOnlyList<int> ModelsUsed(int index) => _uses[index];

    protected override void Create(int index, ref RepoLife life)
    {
        if (index >= _uses.Length)
        {
            Array.Resize(ref _uses, Math.Max(index + 1, _uses.Length * 2));
        }
        var random = Random(index, 3);
        var modelsBefore = _modelTimeline.CountAt(Timeline.Time(life.Created));
        var count = random.Weighted([0.3, 0.5, 0.15, 0.05]);
        var uses = new List<int>(count);
        for (var i = 0; i < count; i++)
        {
            var model = _models.DrawPopular(ref random, modelsBefore);
            if (model >= 0 && !uses.Contains(model))
            {
                uses.Add(model);
            }
        }
        _uses[index] = uses.ToArray();
        life.PeakDownloads = 0;
        life.HalfLifeDays = random.Chance(0.05) ? 0 : (float)(20 * random.Pareto(1.5));
        life.Likes = random.Chance(0.5) ? 0 : (int)Math.Min(1e5, random.Pareto(0.8));
    }

    private string Sdk(int index)
    {
        var random = Random(index, 4);
        return Sdks[random.Weighted(SdkShares)].Sdk;
    }

    protected override string Name(int index)
    {
        var random = Random(index, 5);
        var topic = _uses[index] is [var model, ..]
            ? ModelVocabulary.Families[_models.Traits(_models.Traits(model).Root is >= 0 and var root ? root : model).Word].Stem
            : random.Pick(Words);
        return $"{topic}-{random.Pick(Words)}-{Suffix(index)}";
    }

    public override IEnumerable<string> Tags(int index)
    {
        yield return Sdk(index);
        yield return "region:us";
    }

    protected override void Describe(int index, JsonObject repo)
    {
        var random = Random(index, 6);
        repo.Remove("downloads");
        repo["sdk"] = Sdk(index);
        repo["models"] = new JsonArray(_uses[index].Select(m => (JsonNode)_models.Id(m)).ToArray());
        repo["cardData"] = new JsonObject
        {
            ["title"] = Name(index),
            ["emoji"] = random.Pick(Emojis),
            ["colorFrom"] = random.Pick(Colors),
            ["colorTo"] = random.Pick(Colors),
            ["sdk"] = Sdk(index),
            ["app_file"] = "app.py",
            ["pinned"] = false,
        };
    }
}
