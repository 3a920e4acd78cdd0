using System.Text.Json.Nodes;

namespace HubPlatform.HubEmulator.Hub;

/// <summary>
/// <c>expand[]=baseModels</c>: the Hub's <c>{"relation": ..., "models": [{"id": ...}]}</c>, read
/// from the typed <c>base_model:{relation}:{id}</c> tags every derivative carries.
/// </summary>
public static class BaseModels
{
    public static readonly string[] Relations = ["finetune", "adapter", "quantized", "merge"];

    public static JsonNode? FromTags(JsonArray? tags)
    {
        string? relation = null;
        var models = new JsonArray();
        foreach (var tag in tags?.Select(t => (string?)t) ?? [])
        {
            var parts = tag?.Split(':', 3);
            if (parts is ["base_model", var r, var id] && Array.IndexOf(Relations, r) >= 0)
            {
                relation ??= r;
                models.Add(new JsonObject { ["id"] = id });
            }
        }
        return relation is null ? null : new JsonObject { ["relation"] = relation, ["models"] = models };
    }
}
