namespace HubPlatform.HubEmulator.Hub;

public sealed class EmulatorOptions
{
    public const string Section = "Emulator";

    /// <summary>A folder with models.jsonl (and optionally cards.jsonl) to replay.</summary>
    public string? ReplayDirectory { get; set; }

    public int SyntheticModels { get; set; } = 500;

    public int Seed { get; set; } = 42;

    /// <summary>Renamed repos: old id to new id, answered with 307 like the Hub.</summary>
    public Dictionary<string, string> Renames { get; set; } = new();
}
