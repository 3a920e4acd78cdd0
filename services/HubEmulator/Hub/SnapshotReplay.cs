using System.Text.Json;
using System.Text.Json.Nodes;

namespace HubPlatform.HubEmulator.Hub;

/// <summary>
/// Loads a snapshot of raw Hub objects: <c>models.jsonl</c>, <c>datasets.jsonl</c> and
/// <c>spaces.jsonl</c> (each optional), and cards from <c>cards.jsonl</c> (model cards) and
/// <c>dataset-cards.jsonl</c>.
/// </summary>
public static class SnapshotReplay
{
    public static bool Exists(string? directory) =>
        directory is not null && RepoTypes.All.Any(t => File.Exists(Path.Combine(directory, $"{t.Plural()}.jsonl")));

    public static RepoStore Load(RepoType type, string directory)
    {
        var store = new RepoStore(type);
        foreach (var line in Lines(Path.Combine(directory, $"{type.Plural()}.jsonl")))
        {
            store.Add(JsonNode.Parse(line)!.AsObject());
        }
        var cards = type switch
        {
            RepoType.Model => "cards.jsonl",
            RepoType.Dataset => "dataset-cards.jsonl",
            _ => null,
        };
        foreach (var line in cards is null ? [] : Lines(Path.Combine(directory, cards)))
        {
            using var doc = JsonDocument.Parse(line);
            if (doc.RootElement.TryGetProperty("id", out var id) && doc.RootElement.TryGetProperty("readme", out var readme))
            {
                store.Cards[id.GetString()!] = readme.GetString() ?? "";
            }
        }
        return store;
    }

    private static IEnumerable<string> Lines(string path) =>
        File.Exists(path) ? File.ReadLines(path).Where(l => !string.IsNullOrWhiteSpace(l)) : [];
}
