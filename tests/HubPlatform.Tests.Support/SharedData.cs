namespace HubPlatform.Tests.Support;

/// <summary>
/// What stays outside the repository, in ../shared/data beside it: the model cards (their
/// authors' prose) and recorded real API responses. Read in place, never copied; a test that
/// needs them is a <see cref="NeedsSharedDataFactAttribute"/> and skips, with the reason, where
/// they are absent (a user's clone). CI has them and fails on any skip.
/// </summary>
public static class SharedData
{
    public static string Directory { get; } = Path.GetFullPath(Path.Combine(SampleData.RepoRoot, "..", "shared", "data"));

    /// <summary>The real model cards: <c>{"id", "readme"}</c> per line.</summary>
    public static string Cards => Path.Combine(Directory, "hub-sample", "cards.jsonl");

    public static string RecordedResponses => Path.Combine(Directory, "hf-api-recorded", "recorded-model-responses.json");

    public static bool HasCards { get; } = File.Exists(Cards);

    public static bool HasRecordedResponses { get; } = File.Exists(RecordedResponses);

    /// <summary>The skip reason of a test that needs <paramref name="need"/>, or null when it is there.</summary>
    public static string? SkipReason(SharedNeed need) => need switch
    {
        SharedNeed.Cards when !HasCards => $"needs the real model cards ({Cards}), which stay outside the repository",
        SharedNeed.RecordedResponses when !HasRecordedResponses =>
        $"needs the recorded Hub responses ({RecordedResponses}), which stay outside the repository",
        _ => null,
    };
}

/// <summary>What a test needs from ../shared/data.</summary>
public enum SharedNeed
{
    Cards,
    RecordedResponses,
}

/// <summary>A fact that runs only where ../shared/data has what it needs, and says so when it skips.</summary>
public sealed class NeedsSharedDataFactAttribute : FactAttribute
{
    public NeedsSharedDataFactAttribute(SharedNeed need) => Skip = SharedData.SkipReason(need);
}

/// <summary>A theory that runs only where ../shared/data has what it needs, and says so when it skips.</summary>
public sealed class NeedsSharedDataTheoryAttribute : TheoryAttribute
{
    public NeedsSharedDataTheoryAttribute(SharedNeed need) => Skip = SharedData.SkipReason(need);
}
