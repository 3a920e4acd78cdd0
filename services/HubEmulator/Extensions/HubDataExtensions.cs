using HubPlatform.HubEmulator.Hub;
using HubPlatform.HubEmulator.Hub.Synthetic;

namespace HubPlatform.HubEmulator.Extensions;

public static class HubDataExtensions
{
    /// <summary>
    /// The hub the emulator serves and its clock (<c>Emulator:Now</c>): the replayed snapshot in
    /// <c>Emulator:ReplayDirectory</c> ({models,datasets,spaces}.jsonl and cards in the Hub's raw
    /// shape) when it exists, else a generated hub of <c>Emulator:SyntheticModels</c> models from
    /// <c>Emulator:Seed</c>.
    /// </summary>
    public static WebApplicationBuilder AddHubData(this WebApplicationBuilder builder)
    {
        EmulatorOptions Options() => builder.Configuration.GetSection(EmulatorOptions.Section).Get<EmulatorOptions>() ?? new EmulatorOptions();
        builder.Services.Configure<EmulatorOptions>(builder.Configuration.GetSection(EmulatorOptions.Section));
        builder.Services.AddSingleton(_ => new EmulatorClock(Options().Now));
        builder.Services.AddSingleton(services =>
        {
            var options = Options();
            var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("HubData");
            if (!SnapshotReplay.Exists(options.ReplayDirectory))
            {
                var hub = SyntheticHub.Create(options, services.GetRequiredService<EmulatorClock>());
                logger.LogInformation("Generated a synthetic hub of {Models} models (seed {Seed})", hub.Repos(RepoType.Model).Count, options.Seed);
                return hub;
            }
            var repos = new Dictionary<RepoType, RepoCollection>();
            foreach (var type in RepoTypes.All)
            {
                var store = SnapshotReplay.Load(type, options.ReplayDirectory!, options.CardsFile);
                if (type == RepoType.Model)
                {
                    foreach (var (from, to) in options.Renames)
                    {
                        store.Renames[from] = to;
                    }
                }
                store.Seal();
                repos[type] = store;
            }
            var models = (RepoStore)repos[RepoType.Model];
            logger.LogInformation("Replaying {Models} models, {Datasets} datasets and {Spaces} spaces from {Directory}; model cards: {Cards}",
                models.Count, repos[RepoType.Dataset].Count, repos[RepoType.Space].Count, options.ReplayDirectory,
                models.GeneratesCards ? "made from metadata (no cards file)" : $"{models.Cards.Count} from {options.CardsFile ?? options.ReplayDirectory}");
            return new EmulatedHub(repos);
        });
        return builder;
    }
}
