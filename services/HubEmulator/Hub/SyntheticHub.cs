using System.Text.Json.Nodes;

namespace HubPlatform.HubEmulator.Hub;

/// <summary>
/// A small deterministic hub for runs without a replay snapshot: a few base models from real
/// organizations and derivatives of them with typed base_model tags. The same seed gives the
/// same hub.
/// </summary>
public static class SyntheticHub
{
    private static readonly string[] BaseModels = ["meta-llama/Llama-3.1-8B", "google/gemma-2-9b", "microsoft/phi-2", "mistralai/Mistral-7B-v0.1"];
    private static readonly string[] Relations = ["finetune", "finetune", "finetune", "adapter", "quantized", "merge"];
    private static readonly string[] PipelineTags = ["text-generation", "text-classification", "automatic-speech-recognition", "image-classification"];
    private static readonly DateTimeOffset Epoch = new(2023, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static void Generate(RepoStore store, int count, int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var isBase = i < BaseModels.Length;
            var id = isBase ? BaseModels[i] : $"user{random.Next(count / 4 + 1)}/model-{i}";
            var tags = new JsonArray("transformers", "safetensors");
            var cardData = new JsonObject { ["license"] = "apache-2.0" };
            if (!isBase)
            {
                var relation = Relations[random.Next(Relations.Length)];
                var parent = BaseModels[random.Next(BaseModels.Length)];
                tags.Add($"base_model:{parent}");
                tags.Add($"base_model:{relation}:{parent}");
                cardData["base_model"] = parent;
            }
            var created = Epoch.AddMinutes(random.Next(0, 60 * 24 * 700));
            // Power-law downloads: most models are never downloaded.
            var downloads = random.NextDouble() < 0.7 ? 0 : (long)Math.Pow(10, random.NextDouble() * 6);
            store.Add(new JsonObject
            {
                ["_id"] = $"65{i:x22}",
                ["id"] = id,
                ["modelId"] = id,
                ["author"] = id.Split('/')[0],
                ["createdAt"] = created.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"),
                ["lastModified"] = created.AddDays(random.Next(30)).ToString("yyyy-MM-ddTHH:mm:ss.fffZ"),
                ["private"] = false,
                ["gated"] = false,
                ["disabled"] = false,
                ["downloads"] = downloads,
                ["likes"] = downloads / 1000,
                ["library_name"] = "transformers",
                ["pipeline_tag"] = PipelineTags[random.Next(PipelineTags.Length)],
                ["tags"] = tags,
                ["cardData"] = cardData,
            });
        }
    }
}
