using HubPlatform.Bench.Reporting;

namespace HubPlatform.Bench;

/// <summary>
/// <c>./hub bench [--quick] [--models N] [--runs N] [--vectors a,b] [--out path] [--only embedding,ingest,queries,duckdb] [--keep-data]
/// [--ranks path]
/// [--replicas N] [--postgres-per-service] [--scaling docs/SCALING.md]</c>: measure, write the report, stop everything.
/// </summary>
public static class BenchMain
{
    public static async Task<int> Main(string[] args)
    {
        BenchOptions options;
        try
        {
            options = BenchOptions.Parse(args);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            Console.Error.WriteLine(ex.Message);
            return 2;
        }
        using var cancel = new CancellationTokenSource();
        // Ctrl+C stops the measuring but still runs the clean-up (the platform's processes and data).
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        var report = await BenchRunner.RunAsync(options, cancel.Token);
        if (options.OutputPath is not null)
        {
            var output = InRepository(options.OutputPath);
            Directory.CreateDirectory(Path.GetDirectoryName(output)!);
            await File.WriteAllTextAsync(output, options.Only is null || !File.Exists(output)
                ? report.ToMarkdown()
                : report.ReplaceSections(await File.ReadAllTextAsync(output)));
            Console.WriteLine($"bench: wrote {output} ({report.Sections.Count} sections, {report.NotMeasured.Count} not measured) " +
                              $"in {report.Duration:hh\\:mm\\:ss}");
        }
        if (options.ScalingPath is not null)
        {
            var scaling = InRepository(options.ScalingPath);
            if (report.ScaleOutRow is { } row)
            {
                await ScaleOutTable.WriteAsync(scaling, row);
                Console.WriteLine($"bench: wrote the scale-out row to {scaling}");
            }
            else
            {
                Console.Error.WriteLine($"bench: the ingest was not measured, no scale-out row for {scaling}: " +
                                        string.Join("; ", report.NotMeasured));
                return 1;
            }
        }
        return 0;
    }

    private static string InRepository(string path) => Path.IsPathRooted(path) ? path : Path.Combine(Platform.BenchPlatform.RepoRoot, path);
}
