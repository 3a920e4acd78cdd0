namespace HubPlatform.HubEmulator.Hub.Synthetic;

/// <summary>How a model came to be: trained from scratch, a base model, or one of the four derivative relations.</summary>
public enum ModelKind : byte
{
    Standalone,
    BaseModel,
    Finetune,
    Adapter,
    Quantized,
    Merge,
}

/// <summary>A generated model's own traits, beside its <see cref="RepoLife"/>.</summary>
public struct ModelTraits
{
    public ModelKind Kind { get; set; }
    public byte Depth { get; set; }

    /// <summary>For a base model its <see cref="ModelVocabulary.Families"/> entry; else the word its name adds.</summary>
    public byte Word { get; set; }

    /// <summary>A base model's generation within its family (Llama-2, Llama-3, ...).</summary>
    public short Generation { get; set; }

    /// <summary>The base model at the top of the tree (itself for a base model), -1 for standalone models.</summary>
    public int Root { get; set; }

    public int Parent { get; set; }
    public int Parent2 { get; set; }
    public int Parent3 { get; set; }

    /// <summary>The dataset the model was trained on (its <c>dataset:</c> tag), -1 if its card names none.</summary>
    public int Dataset { get; set; }
}
