using System.Text.Json;

namespace HubPlatform.Tests.Support;

/// <summary>The real Hub data in ../shared/data beside the repository (read in place, never copied).</summary>
public static class SharedData
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Directory { get; } = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "data"));

    public static string HubSample => Path.Combine(Directory, "hub-sample");

    public static string RecordedResponses => Path.Combine(Directory, "hf-api-recorded", "recorded-model-responses.json");

    /// <summary>Every model of the sample as the Hub sent it.</summary>
    public static IReadOnlyList<JsonElement> SampleModels { get; } = Load("models.jsonl");

    /// <summary>Every dataset of the sample as the Hub sent it (cardData, no tags).</summary>
    public static IReadOnlyList<JsonElement> SampleDatasets { get; } = Load("datasets.jsonl");

    private static IReadOnlyList<JsonElement> Load(string file) =>
        File.ReadLines(Path.Combine(HubSample, file))
            .Where(l => !string.IsNullOrWhiteSpace(l))
            .Select(l => JsonDocument.Parse(l).RootElement.Clone())
            .ToArray();

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "HubPlatform.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("HubPlatform.sln not found above the test binaries.");
    }
}
