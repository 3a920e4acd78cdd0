using System.Globalization;
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
        // A replay's hub does not need the clock, a generated one is made from it: so the clock of a
        // replay can be read off its data, and a generated hub's clock comes first.
        builder.Services.AddSingleton(services =>
        {
            var options = Options();
            var replay = SnapshotReplay.Exists(options.ReplayDirectory);
            return new EmulatorClock(options.Now
                ?? (replay ? CapturedAt(services.GetRequiredService<EmulatedHub>()) : null)
                ?? EmulatorOptions.SyntheticStart, replay ? TimeProvider.System : null);
        });
        builder.Services.AddSingleton(services =>
        {
            var options = Options();
            var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("HubData");
            if (!SnapshotReplay.Exists(options.ReplayDirectory))
            {
                var hub = SyntheticHub.Create(options, services.GetRequiredService<EmulatorClock>());
                var generated = hub.Repos(RepoType.Model).Count;
                logger.Generated(generated, options.Seed);
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
            var cards = models.GeneratesCards ? "made from metadata (no cards file)"
                : $"{models.Cards.Count} from {options.CardsFile ?? options.ReplayDirectory}";
            logger.Replaying(models.Count, repos[RepoType.Dataset].Count, repos[RepoType.Space].Count, options.ReplayDirectory, cards);
            return new EmulatedHub(repos);
        });
        return builder;
    }

    /// <summary>
    /// The emulator's clock on every answer's <c>Date</c> header, as the Hub's own time: what the
    /// crawler stamps its snapshots with (the wall clock would date a replayed hub's repos in the future or the past).
    /// </summary>
    public static WebApplication UseHubClock(this WebApplication app)
    {
        var clock = app.Services.GetRequiredService<EmulatorClock>();
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                context.Response.Headers.Date = clock.Now.ToString("R", CultureInfo.InvariantCulture);
                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }

    /// <summary>When a replayed snapshot was taken: the newest <c>lastModified</c> among its models, datasets and spaces.</summary>
    public static DateTimeOffset? CapturedAt(EmulatedHub hub) =>
        RepoTypes.All.Select(hub.Repos)
            .SelectMany(repos => Enumerable.Range(0, repos.Count).Select(i => (string?)repos.Json(i)["lastModified"]))
            .Select(s => DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d)
                ? d.ToUniversalTime() : (DateTimeOffset?)null)
            .Max();
}
