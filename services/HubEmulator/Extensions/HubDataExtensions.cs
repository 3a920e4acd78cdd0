using HubPlatform.HubEmulator.Hub;

namespace HubPlatform.HubEmulator.Extensions;

public static class HubDataExtensions
{
    /// <summary>
    /// The hub the emulator serves: the replayed snapshot in <c>Emulator:ReplayDirectory</c>
    /// (models.jsonl and cards.jsonl in the Hub's raw shape) when it exists, else a generated
    /// hub of <c>Emulator:SyntheticModels</c> models from <c>Emulator:Seed</c>.
    /// </summary>
    public static WebApplicationBuilder AddHubData(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<EmulatorOptions>(builder.Configuration.GetSection(EmulatorOptions.Section));
        builder.Services.AddSingleton(services =>
        {
            var options = builder.Configuration.GetSection(EmulatorOptions.Section).Get<EmulatorOptions>() ?? new EmulatorOptions();
            var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("HubData");
            var store = new RepoStore();
            var models = Path.Combine(options.ReplayDirectory ?? "", "models.jsonl");
            if (options.ReplayDirectory is not null && File.Exists(models))
            {
                SnapshotReplay.Load(store, options.ReplayDirectory);
                logger.LogInformation("Replaying {Models} models from {Directory}", store.Models.Count, options.ReplayDirectory);
            }
            else
            {
                SyntheticHub.Generate(store, options.SyntheticModels, options.Seed);
                logger.LogInformation("Generated a synthetic hub of {Models} models (seed {Seed})", store.Models.Count, options.Seed);
            }
            foreach (var (from, to) in options.Renames)
            {
                store.Renames[from] = to;
            }
            store.Seal();
            return store;
        });
        return builder;
    }
}
