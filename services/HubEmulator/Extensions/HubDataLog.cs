namespace HubPlatform.HubEmulator.Extensions;

/// <summary>
/// The emulator's startup lines: which hub it serves. Generated at build time; the templates and
/// their property names are what dashboards and tests read, keep them as they are.
/// </summary>
internal static partial class HubDataLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Generated a synthetic hub of {Models} models (seed {Seed})")]
    public static partial void Generated(this ILogger logger, int models, int seed);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Replaying {Models} models, {Datasets} datasets and {Spaces} spaces from {Directory}; model cards: {Cards}")]
    public static partial void Replaying(this ILogger logger, int models, int datasets, int spaces, string? directory, string cards);
}
