namespace HubPlatform.HubEmulator.Hub.Synthetic;

/// <summary>A base-model family: who trains it, what it does, and the sizes it comes in.</summary>
public sealed record ModelFamily(string Stem, string Publisher, string Pipeline, string Library, string[] Sizes);

/// <summary>The words generated models are made of, in roughly the Hub's proportions.</summary>
public static class ModelVocabulary
{
    public static readonly ModelFamily[] Families =
    [
        new("Llama", "meta-llama", "text-generation", "transformers", ["1B", "3B", "8B", "70B"]),
        new("gemma", "google", "text-generation", "transformers", ["2b", "7b", "9b", "27b"]),
        new("Phi", "microsoft", "text-generation", "transformers", ["mini", "small", "medium"]),
        new("Mistral", "mistralai", "text-generation", "transformers", ["7B", "Small", "Nemo"]),
        new("Qwen", "Qwen", "text-generation", "transformers", ["0.5B", "1.5B", "7B", "14B", "72B"]),
        new("DeepSeek", "deepseek-ai", "text-generation", "transformers", ["7B", "67B", "V3", "R1"]),
        new("stable-diffusion", "stabilityai", "text-to-image", "diffusers", ["base", "xl", "turbo"]),
        new("whisper", "openai", "automatic-speech-recognition", "transformers", ["tiny", "base", "small", "large"]),
        new("clip-vit", "openai", "zero-shot-image-classification", "transformers", ["base-patch32", "large-patch14"]),
        new("Nemotron", "nvidia", "text-generation", "transformers", ["Mini-4B", "70B"]),
        new("opt", "facebook", "text-generation", "transformers", ["125m", "1.3b", "6.7b"]),
        new("wav2vec2", "facebook", "automatic-speech-recognition", "transformers", ["base", "large"]),
        new("pythia", "EleutherAI", "text-generation", "transformers", ["160m", "1b", "6.9b"]),
        new("bloom", "bigscience", "text-generation", "transformers", ["560m", "7b1"]),
        new("OLMo", "allenai", "text-generation", "transformers", ["1B", "7B"]),
        new("falcon", "tiiuae", "text-generation", "transformers", ["7b", "40b"]),
        new("SmolLM", "HuggingFaceTB", "text-generation", "transformers", ["135M", "360M", "1.7B"]),
        new("BioMedLM", "stanford-crfm", "text-generation", "transformers", ["2.7b"]),
        new("granite", "ibm-granite", "text-generation", "transformers", ["3b", "8b"]),
        new("FLUX", "black-forest-labs", "text-to-image", "diffusers", ["dev", "schnell"]),
        new("bert", "google", "fill-mask", "transformers", ["base-uncased", "large-cased"]),
        new("vit", "google", "image-classification", "transformers", ["base-patch16-224", "large-patch16-224"]),
        new("t5", "google", "text2text-generation", "transformers", ["small", "base", "large"]),
        new("roberta", "facebook", "fill-mask", "transformers", ["base", "large"]),
    ];

    /// <summary>Pipeline tags of models trained from scratch; null (no tag) is the most common answer on the Hub.</summary>
    public static readonly (string? Pipeline, double Share)[] Pipelines =
    [
        (null, 0.34), ("text-generation", 0.14), ("text-classification", 0.09), ("reinforcement-learning", 0.06),
        ("automatic-speech-recognition", 0.04), ("image-classification", 0.05), ("feature-extraction", 0.03),
        ("sentence-similarity", 0.03), ("token-classification", 0.04), ("fill-mask", 0.03), ("translation", 0.02),
        ("text-to-image", 0.04), ("image-text-to-text", 0.02), ("text2text-generation", 0.02), ("summarization", 0.01),
        ("question-answering", 0.02), ("object-detection", 0.01), ("text-to-speech", 0.01),
    ];

    public static readonly double[] PipelineShares = Pipelines.Select(p => p.Share).ToArray();

    public static string? LibraryOf(string? pipeline, ref SeededRandom random) => pipeline switch
    {
        "reinforcement-learning" => random.Chance(0.8) ? "stable-baselines3" : "ml-agents",
        "sentence-similarity" or "feature-extraction" => random.Chance(0.7) ? "sentence-transformers" : "transformers",
        "text-to-image" => "diffusers",
        "image-classification" => random.Chance(0.5) ? "timm" : "transformers",
        null => random.Chance(0.5) ? null : random.Chance(0.5) ? "pytorch" : "keras",
        _ => "transformers",
    };

    public static readonly string[] FinetuneWords = ["Instruct", "chat", "sft", "dpo", "medical", "legal", "finance", "code", "math", "roleplay",
        "ja", "de", "tr", "ko", "uncensored", "orpo", "reasoning"];
    public static readonly string[] AdapterWords = ["lora", "qlora", "adapter", "lora-r16"];
    public static readonly string[] QuantizedWords = ["GGUF", "AWQ", "GPTQ", "4bit", "8bit", "Q4_K_M-GGUF", "exl2"];
    public static readonly string[] MergeWords = ["slerp", "ties", "dare-ties", "passthrough", "merge"];
    public static readonly string[] StandaloneWords = ["imdb", "sentiment", "ner", "LunarLander-v2", "squad", "cifar10", "emotion", "spam", "toxic",
        "pets", "finetuned", "test", "demo", "tiny"];
    public static readonly string[] StandaloneArchitectures = ["distilbert", "bert-base", "roberta", "ppo", "dqn", "vit", "resnet50", "t5-small",
        "gpt2", "xlm-roberta", "deberta-v3", "convnext", "my-model"];
}
