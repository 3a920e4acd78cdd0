namespace HubPlatform.HubEmulator.Hub.Synthetic;

/// <summary>
/// A generated hub of any size: <c>SyntheticModels</c> models at the clock's start (datasets and
/// spaces in the Hub's ratios unless given), more appearing as the clock moves. The same seed
/// gives the same hub, whatever its size was asked to be at any moment.
/// </summary>
public static class SyntheticHub
{
    public static EmulatedHub Create(EmulatorOptions options, EmulatorClock clock)
    {
        var models = Math.Max(10, options.SyntheticModels);
        var authors = new Authors(options.Seed, Math.Max(50, models / 5));
        var modelTimeline = new Timeline(models, clock.Now);
        var datasetTimeline = new Timeline(options.SyntheticDatasets ?? models / 4, clock.Now);
        var datasets = new SyntheticDatasets(options.Seed, datasetTimeline, authors, clock);
        var syntheticModels = new SyntheticModels(options.Seed, modelTimeline, authors, clock, datasets, datasetTimeline);
        var spaces = new SyntheticSpaces(options.Seed, new Timeline(options.SyntheticSpaces ?? models / 2, clock.Now), authors, clock,
            syntheticModels, modelTimeline);
        return new EmulatedHub(
            new Dictionary<RepoType, RepoCollection>
            {
                [RepoType.Model] = syntheticModels,
                [RepoType.Dataset] = datasets,
                [RepoType.Space] = spaces,
            },
            authors);
    }
}
