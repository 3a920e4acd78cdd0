namespace HubPlatform.HubEmulator.Hub.Synthetic;

/// <summary>The tags generated datasets carry, in roughly the Hub's proportions.</summary>
public static class DatasetVocabulary
{
    /// <summary>Task category, its modality, and its share of datasets.</summary>
    public static readonly (string Task, string Modality, double Share)[] Tasks =
    [
        ("text-generation", "text", 0.20), ("question-answering", "text", 0.12), ("text-classification", "text", 0.14),
        ("summarization", "text", 0.04), ("translation", "text", 0.05), ("token-classification", "text", 0.04),
        ("image-classification", "image", 0.07), ("object-detection", "image", 0.03), ("text-to-image", "image", 0.03),
        ("visual-question-answering", "image", 0.03), ("automatic-speech-recognition", "audio", 0.05),
        ("robotics", "video", 0.03), ("tabular-classification", "tabular", 0.03), ("time-series-forecasting", "timeseries", 0.02),
        ("reinforcement-learning", "tabular", 0.02), ("video-classification", "video", 0.01),
    ];

    public static readonly double[] TaskShares = Tasks.Select(t => t.Share).ToArray();

    /// <summary>Domains as the Hub's free tags name them; null for general-purpose data.</summary>
    public static readonly (string? Domain, double Share)[] Domains =
    [
        (null, 0.55), ("finance", 0.06), ("medical", 0.07), ("biology", 0.04), ("chemistry", 0.02), ("legal", 0.04),
        ("code", 0.06), ("climate", 0.02), ("science", 0.05), ("education", 0.03), ("art", 0.02), ("music", 0.02), ("robotics", 0.02),
    ];

    public static readonly double[] DomainShares = Domains.Select(d => d.Share).ToArray();

    public static readonly (string License, double Share)[] Licenses =
    [
        ("mit", 0.25), ("apache-2.0", 0.22), ("cc-by-4.0", 0.15), ("cc-by-sa-4.0", 0.06), ("cc-by-nc-4.0", 0.08),
        ("odc-by", 0.03), ("cc0-1.0", 0.04), ("other", 0.07), ("unknown", 0.10),
    ];

    public static readonly double[] LicenseShares = Licenses.Select(l => l.Share).ToArray();

    public static readonly (string Size, double Share)[] Sizes =
    [
        ("n<1K", 0.30), ("1K<n<10K", 0.28), ("10K<n<100K", 0.20), ("100K<n<1M", 0.12), ("1M<n<10M", 0.06),
        ("10M<n<100M", 0.025), ("100M<n<1B", 0.01), ("1B<n<10B", 0.005),
    ];

    public static readonly double[] SizeShares = Sizes.Select(s => s.Share).ToArray();

    public static readonly string[] Languages = ["en", "en", "en", "zh", "fr", "de", "es", "ja", "ar", "sw", "hi", "ko", "ru", "tr"];

    public static readonly string[] BenchmarkStems = ["MMLU", "GSM", "HellaSwag", "ARC", "TruthfulQA", "HumanEval", "MATH", "GPQA", "BBH", "IFEval",
        "MedQA", "FinQA", "LegalBench", "SciQ", "RoboArena", "MMMU"];

    public static readonly string[] Words = ["corpus", "instructions", "qa", "pairs", "dialogues", "reviews", "captions", "recordings", "episodes",
        "tables", "preferences", "synthetic", "cleaned", "dedup"];
}
