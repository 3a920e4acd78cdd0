namespace HubPlatform.Bench.Measurement;

public static class Stats
{
    public static double Median(IEnumerable<double> values) => Percentile(values, 50);

    /// <summary>Nearest-rank percentile (p in 0..100) of the values.</summary>
    public static double Percentile(IEnumerable<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    /// <summary>Runs <paramref name="measure"/> <paramref name="runs"/> times and gives the median of what it returns.</summary>
    public static async Task<double> MedianOfAsync(int runs, Func<Task<double>> measure)
    {
        var results = new List<double>(runs);
        for (var i = 0; i < runs; i++)
        {
            results.Add(await measure());
        }
        return Median(results);
    }
}
