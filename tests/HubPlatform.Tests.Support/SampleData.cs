using System.Text.Json;

namespace HubPlatform.Tests.Support;

/// <summary>
/// The real Hub metadata kept in the repository (services/HubEmulator/Data/hub-sample): the
/// models, datasets and spaces the emulator replays by default. A fresh clone has it.
/// </summary>
public static class SampleData
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string HubSample { get; } = Path.Combine(RepoRoot, "services", "HubEmulator", "Data", "hub-sample");

    /// <summary>Every model of the sample as the Hub sent it.</summary>
    public static IReadOnlyList<JsonElement> SampleModels { get; } = Load("models.jsonl");

    /// <summary>Every dataset of the sample as <c>dataset_info</c> returned it (no tags: the Hub derives them from the card).</summary>
    public static IReadOnlyList<JsonElement> SampleDatasets { get; } = Load("datasets.jsonl");

    /// <summary>Every Space of the sample, in the single-Space shape.</summary>
    public static IReadOnlyList<JsonElement> SampleSpaces { get; } = Load("spaces.jsonl");

    private static JsonElement[] Load(string file) =>
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

public static class SampleReplay
{
    /// <summary>The emulator replays the repository's sample, with the real cards from ../shared/data when they are there.</summary>
    public static Microsoft.AspNetCore.Hosting.IWebHostBuilder UseReplayedSample(this Microsoft.AspNetCore.Hosting.IWebHostBuilder builder) =>
        builder.UseSetting("Emulator:ReplayDirectory", SampleData.HubSample)
            .UseSetting("Emulator:CardsFile", SharedData.HasCards ? SharedData.Cards : "");
}
