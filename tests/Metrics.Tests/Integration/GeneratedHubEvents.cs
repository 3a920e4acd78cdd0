using System.Globalization;
using System.Text.Json.Nodes;
using HubPlatform.Contracts;
using HubPlatform.HubEmulator.Hub;
using HubPlatform.HubEmulator.Hub.Synthetic;
using EmulatorOverview = HubPlatform.HubEmulator.Hub.AuthorOverview;
using EmulatorRepoType = HubPlatform.HubEmulator.Hub.RepoType;

namespace HubPlatform.Tests.Metrics.Integration;

/// <summary>
/// A generated hub's datasets, spaces and author overviews as the Hub's raw JSON, turned into the
/// crawler's events by test-side code (the crawler's own dataset parser is not used, so metrics is
/// checked against an independent reading of the JSON). <see cref="Kinds"/> keeps each author's
/// true kind, which the generator knows and metrics has to infer.
/// </summary>
public sealed class GeneratedHubEvents
{
    public static readonly DateTimeOffset Now = EmulatorOptions.SyntheticStart;

    public GeneratedHubEvents(int models = 2_000, int seed = 11)
    {
        var hub = SyntheticHub.Create(new EmulatorOptions { SyntheticModels = models, Seed = seed }, new EmulatorClock(Now));
        DatasetJson = Json(hub, EmulatorRepoType.Dataset);
        SpaceJson = Json(hub, EmulatorRepoType.Space);
        Datasets = DatasetJson.Select(Dataset).ToArray();
        Spaces = SpaceJson.Select(Space).ToArray();
        var authors = hub.Authors!;
        var names = Datasets.Select(d => d.Author).Concat(Spaces.Select(s => s.Author)).Distinct().Order(StringComparer.Ordinal).ToArray();
        Overviews = names.Select(n => EmulatorOverview.Organization(hub, n) ?? EmulatorOverview.User(hub, n)).OfType<JsonObject>().Select(Overview)
            .ToArray();
        Kinds = names.ToDictionary(n => n, n => authors.Kind(authors.Find(n)));
    }

    public IReadOnlyList<JsonObject> DatasetJson { get; }
    public IReadOnlyList<JsonObject> SpaceJson { get; }
    public IReadOnlyList<DatasetObservation> Datasets { get; }
    public IReadOnlyList<SpaceObservation> Spaces { get; }
    public IReadOnlyList<Contracts.AuthorOverview> Overviews { get; }
    public IReadOnlyDictionary<string, AuthorKind> Kinds { get; }

    private static JsonObject[] Json(EmulatedHub hub, EmulatorRepoType type)
    {
        var repos = hub.Repos(type);
        return repos.Ordered("_id", false).Select(repos.Json).ToArray();
    }

    private static string[] Tags(JsonObject repo) => repo["tags"]!.AsArray().Select(t => t!.GetValue<string>()).ToArray();

    private static string[] Typed(string[] tags, string prefix) =>
        tags.Where(t => t.StartsWith(prefix + ":", StringComparison.Ordinal)).Select(t => t[(prefix.Length + 1)..]).ToArray();

    private static DateTimeOffset? Date(JsonNode? node) =>
        node is null ? null : DateTimeOffset.Parse(node.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    /// <summary>A JSON number of any kind (the generator writes the trending score as an integer).</summary>
    private static double? Number(JsonNode? node) => node is null ? null : double.Parse(node.ToJsonString(), CultureInfo.InvariantCulture);

    private static long? Long(JsonNode? node) => node is null ? null : long.Parse(node.ToJsonString(), CultureInfo.InvariantCulture);

    private static DatasetObservation Dataset(JsonObject d)
    {
        var tags = Tags(d);
        var id = d["id"]!.GetValue<string>();
        return new DatasetObservation(id, d["author"]!.GetValue<string>(), d["sha"]?.GetValue<string>(), Date(d["createdAt"]),
            Date(d["lastModified"]),
            false, "false", false, Long(d["downloads"])!.Value, null, Long(d["likes"])!.Value, Number(d["trendingScore"]), tags,
            Typed(tags, "license").FirstOrDefault(), Typed(tags, "language"), Typed(tags, "task_categories"), Typed(tags, "modality"),
            Typed(tags, "size_categories").FirstOrDefault(), Typed(tags, "format"), d["cardData"]?["pretty_name"]?.GetValue<string>(),
            d["description"]?.GetValue<string>());
    }

    private static SpaceObservation Space(JsonObject s) => new(
        s["id"]!.GetValue<string>(), s["author"]!.GetValue<string>(), s["sha"]?.GetValue<string>(), Date(s["createdAt"]), Date(s["lastModified"]),
        false, false, Long(s["likes"])!.Value, Number(s["trendingScore"]), s["sdk"]?.GetValue<string>(), Tags(s), null,
        s["models"]?.AsArray().Select(m => m!.GetValue<string>()).ToArray() ?? [], [], s["cardData"]?["title"]?.GetValue<string>());

    private static Contracts.AuthorOverview Overview(JsonObject o) => new(
        (o["name"] ?? o["user"])!.GetValue<string>(), o["type"]!.GetValue<string>(), o["fullname"]?.GetValue<string>(),
        o["isVerified"]?.GetValue<bool>() ?? false, o["isEnterprise"]?.GetValue<bool>() ?? false,
        Long(o["numModels"]), Long(o["numDatasets"]), Long(o["numSpaces"]), Long(o["numFollowers"]),
        Long(o["numUsers"]), null);
}
