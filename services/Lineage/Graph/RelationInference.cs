using HubPlatform.Contracts;

namespace HubPlatform.Lineage.Graph;

/// <summary>
/// The Hub's rules for a base model named without a relation (docs: "model cards", base_model_relation):
/// several bases make a merge; quantized weight formats (GGUF, GPTQ, AWQ, EXL2, bitsandbytes) make a
/// quantization; a PEFT library or adapter tag makes an adapter; anything else is a finetune.
/// A relation the model states itself always wins. Which bases a model has is the Hub's verdict
/// first: see <see cref="Bases"/>.
/// </summary>
public static class RelationInference
{
    public const string Finetune = "finetune";
    public const string Adapter = "adapter";
    public const string Quantized = "quantized";
    public const string Merge = "merge";

    private const string BaseModelTag = "base_model:";
    private static readonly string[] Relations = [Finetune, Adapter, Quantized, Merge];
    private static readonly string[] QuantizedTags = ["gguf", "gptq", "awq", "exl2", "4-bit", "8-bit", "bitsandbytes", "quantized"];
    private static readonly string[] AdapterTags = ["lora", "peft", "adapter", "adapters"];

    /// <summary>
    /// The bases lineage makes edges of. When the model carries any <c>base_model:</c> tag, the tags
    /// alone decide (the Hub computes them from the card at push time, and its model tree is those
    /// tag filters), so a base named only by the card is dropped; a model with no such tag keeps
    /// what its card says. The crawler's parser already reads the card only then; this holds the
    /// rule for any producer of observations.
    /// </summary>
    public static IReadOnlyList<BaseModelReference> Bases(ModelObservation model)
    {
        var tagged = model.Tags.Where(t => t.StartsWith(BaseModelTag, StringComparison.Ordinal))
            .Select(t => t[BaseModelTag.Length..])
            .Select(rest => rest.IndexOf(':') is var colon && colon > 0 && Relations.Contains(rest[..colon]) ? rest[(colon + 1)..] : rest)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        return tagged.Count == 0 ? model.BaseModels : model.BaseModels.Where(b => tagged.Contains(b.Id)).ToArray();
    }

    public static string Relation(ModelObservation model, BaseModelReference reference)
    {
        if (reference.Relation is { } stated)
        {
            return stated;
        }
        // A self-reference (reported, never an edge) does not make a second parent.
        if (Bases(model).Count(b => !b.Id.Equals(model.Id, StringComparison.OrdinalIgnoreCase)) > 1 || model.Tags.Contains("merge")
            || model.Tags.Contains("mergekit"))
        {
            return Merge;
        }
        if (model.Tags.Any(t => QuantizedTags.Contains(t, StringComparer.OrdinalIgnoreCase)))
        {
            return Quantized;
        }
        if (string.Equals(model.LibraryName, "peft", StringComparison.OrdinalIgnoreCase)
            || model.Tags.Any(t => AdapterTags.Contains(t, StringComparer.OrdinalIgnoreCase)))
        {
            return Adapter;
        }
        return Finetune;
    }
}
