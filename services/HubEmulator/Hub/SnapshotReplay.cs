using System.Text.Json;
using System.Text.Json.Nodes;

namespace HubPlatform.HubEmulator.Hub;

/// <summary>
/// Loads a snapshot of raw Hub objects: <c>models.jsonl</c>, <c>datasets.jsonl</c> and
/// <c>spaces.jsonl</c> (each optional), and cards from <c>cards.jsonl</c> (model cards) and
/// <c>dataset-cards.jsonl</c> beside them or, for models, from a cards file kept elsewhere (the
/// real cards are their authors' prose and stay outside the repository). Models without any
/// cards file get cards made from their metadata.
/// </summary>
public static class SnapshotReplay
{
    public static bool Exists(string? directory) =>
        directory is not null && RepoTypes.All.Any(t => File.Exists(Path.Combine(directory, $"{t.Plural()}.jsonl")));

    public static RepoStore Load(RepoType type, string directory, string? modelCardsFile = null)
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
        IEnumerable<string> cardFiles = cards is null ? [] : [Path.Combine(directory, cards)];
        if (type == RepoType.Model && !string.IsNullOrEmpty(modelCardsFile))
        {
            cardFiles = cardFiles.Append(modelCardsFile);
        }
        foreach (var line in cardFiles.SelectMany(Lines))
        {
            using var doc = JsonDocument.Parse(line);
            if (doc.RootElement.TryGetProperty("id", out var id) && doc.RootElement.TryGetProperty("readme", out var readme))
            {
                store.Cards[id.GetString()!] = readme.GetString() ?? "";
            }
        }
        store.GeneratesCards = type == RepoType.Model && store.Cards.IsEmpty;
        return store;
    }

    private static IEnumerable<string> Lines(string path) =>
        File.Exists(path) ? File.ReadLines(path).Where(l => !string.IsNullOrWhiteSpace(l)) : [];
}
