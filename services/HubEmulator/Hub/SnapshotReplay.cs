using System.Text.Json;
using System.Text.Json.Nodes;

namespace HubPlatform.HubEmulator.Hub;

/// <summary>Loads a snapshot of raw Hub objects: models.jsonl, and the cards in cards.jsonl when present.</summary>
public static class SnapshotReplay
{
    public static void Load(RepoStore store, string directory)
    {
        foreach (var line in File.ReadLines(Path.Combine(directory, "models.jsonl")))
        {
            if (!string.IsNullOrWhiteSpace(line))
            {
                store.Add(JsonNode.Parse(line)!.AsObject());
            }
        }

        var cards = Path.Combine(directory, "cards.jsonl");
        if (File.Exists(cards))
        {
            foreach (var line in File.ReadLines(cards))
            {
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }
                using var doc = JsonDocument.Parse(line);
                if (doc.RootElement.TryGetProperty("id", out var id) && doc.RootElement.TryGetProperty("readme", out var readme))
                {
                    store.Cards[id.GetString()!] = readme.GetString() ?? "";
                }
            }
        }
    }
}
