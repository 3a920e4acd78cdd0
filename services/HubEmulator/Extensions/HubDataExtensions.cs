using HubPlatform.HubEmulator.Hub;

namespace HubPlatform.HubEmulator.Extensions;

public static class HubDataExtensions
{
    /// <summary>
    /// The hub the emulator serves: the replayed snapshot in <c>Emulator:ReplayDirectory</c>
    /// ({models,datasets,spaces}.jsonl and cards in the Hub's raw shape) when it exists, else a
    /// generated hub of <c>Emulator:SyntheticModels</c> models from <c>Emulator:Seed</c>.
    /// </summary>
    public static WebApplicationBuilder AddHubData(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<EmulatorOptions>(builder.Configuration.GetSection(EmulatorOptions.Section));
        builder.Services.AddSingleton(services =>
        {
            var options = builder.Configuration.GetSection(EmulatorOptions.Section).Get<EmulatorOptions>() ?? new EmulatorOptions();
            var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("HubData");
            var repos = new Dictionary<RepoType, RepoCollection>();
            if (SnapshotReplay.Exists(options.ReplayDirectory))
            {
                foreach (var type in RepoTypes.All)
                {
                    var store = SnapshotReplay.Load(type, options.ReplayDirectory!);
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
                logger.LogInformation("Replaying {Models} models, {Datasets} datasets and {Spaces} spaces from {Directory}",
                    repos[RepoType.Model].Count, repos[RepoType.Dataset].Count, repos[RepoType.Space].Count, options.ReplayDirectory);
            }
            else
            {
                foreach (var type in RepoTypes.All)
                {
                    var store = new RepoStore(type);
                    if (type == RepoType.Model)
                    {
                        SyntheticHub.Generate(store, options.SyntheticModels, options.Seed);
                    }
                    store.Seal();
                    repos[type] = store;
                }
                logger.LogInformation("Generated a synthetic hub of {Models} models (seed {Seed})", repos[RepoType.Model].Count, options.Seed);
            }
            return new EmulatedHub(repos);
        });
        return builder;
    }
}
