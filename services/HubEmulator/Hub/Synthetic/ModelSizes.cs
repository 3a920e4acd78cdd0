using System.Globalization;
using System.Text.RegularExpressions;

namespace HubPlatform.HubEmulator.Hub.Synthetic;

/// <summary>
/// Parameter totals of generated models, as the Hub reports them under <c>safetensors.total</c>: a family's
/// size from the size in its base model's name ("8B", "1.5B", "135M", "7b1") or, for named sizes ("mini",
/// "xl", "large-patch14"), the real checkpoint's size; a model trained from scratch its architecture's size.
/// </summary>
public static partial class ModelSizes
{
    /// <summary>Named sizes of the families in <see cref="ModelVocabulary.Families"/>, by stem and size.</summary>
    private static readonly Dictionary<(string Stem, string Size), double> Named = new()
    {
        [("Phi", "mini")] = 3.8e9,
        [("Phi", "small")] = 7.4e9,
        [("Phi", "medium")] = 14e9,
        [("Mistral", "Small")] = 22.2e9,
        [("Mistral", "Nemo")] = 12.2e9,
        [("DeepSeek", "V3")] = 671e9,
        [("DeepSeek", "R1")] = 671e9,
        [("stable-diffusion", "base")] = 0.87e9,
        [("stable-diffusion", "xl")] = 2.6e9,
        [("stable-diffusion", "turbo")] = 2.6e9,
        [("whisper", "tiny")] = 39e6,
        [("whisper", "base")] = 74e6,
        [("whisper", "small")] = 244e6,
        [("whisper", "large")] = 1.55e9,
        [("clip-vit", "base-patch32")] = 151e6,
        [("clip-vit", "large-patch14")] = 428e6,
        [("wav2vec2", "base")] = 95e6,
        [("wav2vec2", "large")] = 317e6,
        [("FLUX", "dev")] = 11.9e9,
        [("FLUX", "schnell")] = 11.9e9,
        [("bert", "base-uncased")] = 110e6,
        [("bert", "large-cased")] = 335e6,
        [("vit", "base-patch16-224")] = 86e6,
        [("vit", "large-patch16-224")] = 304e6,
        [("t5", "small")] = 60e6,
        [("t5", "base")] = 220e6,
        [("t5", "large")] = 770e6,
        [("roberta", "base")] = 125e6,
        [("roberta", "large")] = 355e6,
    };

    /// <summary>Architectures of models trained from scratch (<see cref="ModelVocabulary.StandaloneArchitectures"/>).</summary>
    private static readonly Dictionary<string, double> Architectures = new()
    {
        ["distilbert"] = 67e6,
        ["bert-base"] = 110e6,
        ["roberta"] = 125e6,
        ["ppo"] = 0.2e6,
        ["dqn"] = 0.1e6,
        ["vit"] = 86e6,
        ["resnet50"] = 25.6e6,
        ["t5-small"] = 60e6,
        ["gpt2"] = 124e6,
        ["xlm-roberta"] = 278e6,
        ["deberta-v3"] = 184e6,
        ["convnext"] = 28.6e6,
        ["my-model"] = 350e6,
    };

    [GeneratedRegex(@"(\d+(?:\.\d+)?)([bBmM])(\d*)")]
    private static partial Regex SizeInName();

    /// <summary>The parameters of a family's models: its size in the name, else its named size.</summary>
    public static double Of(ModelFamily family, string size)
    {
        if (Named.TryGetValue((family.Stem, size), out var named))
        {
            return named;
        }
        var match = SizeInName().Match(size);
        if (!match.Success)
        {
            throw new InvalidOperationException($"No parameter count for {family.Stem} {size}.");
        }
        // "7b1" is 7.1B (bloom-7b1).
        var digits = match.Groups[3].Value.Length > 0 && !match.Groups[1].Value.Contains('.') ? $"{match.Groups[1].Value}.{match.Groups[3].Value}"
            : match.Groups[1].Value;
        var unit = char.ToLowerInvariant(match.Groups[2].Value[0]) == 'b' ? 1e9 : 1e6;
        return double.Parse(digits, CultureInfo.InvariantCulture) * unit;
    }

    public static double OfArchitecture(string architecture) => Architectures[architecture];
}
