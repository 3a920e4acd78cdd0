namespace HubPlatform.HubEmulator.Hub;

public sealed class EmulatorOptions
{
    public const string Section = "Emulator";

    /// <summary>A folder with models.jsonl (and optionally datasets.jsonl, spaces.jsonl, cards.jsonl) to replay.</summary>
    public string? ReplayDirectory { get; set; }

    /// <summary>
    /// The real model cards of a replay (<c>{"id", "readme"}</c> per line), kept outside the
    /// repository; without them (and without a cards.jsonl in the replay folder) each model's card
    /// is made from its metadata.
    /// </summary>
    public string? CardsFile { get; set; }

    /// <summary>Models a generated hub has at the clock's start.</summary>
    public int SyntheticModels { get; set; } = 500;

    /// <summary>Datasets at the start; a quarter of the models when not set, as on the Hub.</summary>
    public int? SyntheticDatasets { get; set; }

    /// <summary>Spaces at the start; half the models when not set.</summary>
    public int? SyntheticSpaces { get; set; }

    public int Seed { get; set; } = 42;

    /// <summary>
    /// A generated hub's clock at start-up when <see cref="Now"/> is not set: fixed (not the wall clock) so a seed always gives the same hub.
    /// </summary>
    public static readonly DateTimeOffset SyntheticStart = new(2025, 6, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// The emulator's clock at start-up. When not set: for a replay, the moment its data was
    /// captured (the newest <c>lastModified</c> of the replayed repos); for a generated hub,
    /// <see cref="SyntheticStart"/>.
    /// </summary>
    public DateTimeOffset? Now { get; set; }

    /// <summary>Renamed repos of a replayed snapshot: old id to new id, answered with 307 like the Hub.</summary>
    public Dictionary<string, string> Renames { get; set; } = new();
}
