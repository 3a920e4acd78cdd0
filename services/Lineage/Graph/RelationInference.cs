using HubPlatform.Contracts;

namespace HubPlatform.Lineage.Graph;

/// <summary>
/// The Hub's rules for a base model named without a relation (docs: "model cards", base_model_relation):
/// several bases make a merge; quantized weight formats (GGUF, GPTQ, AWQ, EXL2, bitsandbytes) make a
/// quantization; a PEFT library or adapter tag makes an adapter; anything else is a finetune.
/// A relation the model states itself always wins.
/// </summary>
public static class RelationInference
{
    public const string Finetune = "finetune";
    public const string Adapter = "adapter";
    public const string Quantized = "quantized";
    public const string Merge = "merge";

    private static readonly string[] QuantizedTags = ["gguf", "gptq", "awq", "exl2", "4-bit", "8-bit", "bitsandbytes", "quantized"];
    private static readonly string[] AdapterTags = ["lora", "peft", "adapter", "adapters"];

    public static string Relation(ModelObservation model, BaseModelReference reference)
    {
        if (reference.Relation is { } stated)
        {
            return stated;
        }
        // A self-reference (reported, never an edge) does not make a second parent.
        if (model.BaseModels.Count(b => !b.Id.Equals(model.Id, StringComparison.OrdinalIgnoreCase)) > 1 || model.Tags.Contains("merge") || model.Tags.Contains("mergekit"))
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
