namespace HubPlatform.Metrics.ModelVerse;

/// <summary>The Hub's task taxonomy grouped the way the Hub's task page groups pipeline tags.</summary>
public static class Modality
{
    public static readonly IReadOnlyDictionary<string, string[]> PipelineTags = new Dictionary<string, string[]>
    {
        ["multimodal"] = ["any-to-any", "audio-text-to-text", "document-question-answering", "visual-document-retrieval", "image-text-to-text",
            "video-text-to-text", "visual-question-answering"],
        ["computer-vision"] = ["depth-estimation", "image-classification", "object-detection", "image-segmentation", "text-to-image", "image-to-text",
            "image-to-image", "image-to-video", "unconditional-image-generation", "video-classification", "text-to-video",
            "zero-shot-image-classification",
            "mask-generation", "zero-shot-object-detection", "text-to-3d", "image-to-3d", "image-feature-extraction", "keypoint-detection"],
        ["natural-language-processing"] = ["text-classification", "token-classification", "table-question-answering", "question-answering",
            "zero-shot-classification", "translation", "summarization", "feature-extraction", "text-generation", "text2text-generation",
            "fill-mask", "sentence-similarity", "text-ranking"],
        ["audio"] = ["text-to-speech", "text-to-audio", "automatic-speech-recognition", "audio-to-audio", "audio-classification",
            "voice-activity-detection"],
        ["tabular"] = ["tabular-classification", "tabular-regression", "time-series-forecasting"],
        ["reinforcement-learning"] = ["reinforcement-learning", "robotics"],
        ["other"] = ["graph-ml"],
    };

    public static bool IsKnown(string modality) => PipelineTags.ContainsKey(modality);
}
