namespace HubPlatform.Bench;

/// <summary>
/// What one bench run measures and at which sizes. <c>--quick</c> shrinks everything so a run
/// takes a few minutes (the test runs it); the full run is sized for a 1M-model hub.
/// </summary>
public sealed record BenchOptions
{
    public bool Quick { get; init; }

    /// <summary>Models of the generated hub the platform crawls and serves.</summary>
    public int Models { get; init; } = 1_000_000;

    /// <summary>Repetitions of each cheap measurement; the report gives their median.</summary>
    public int Runs { get; init; } = 3;

    /// <summary>Models per page the crawler asks for (the Hub's maximum is 1000).</summary>
    public int PageSize { get; init; } = 1000;

    /// <summary>The Hub's free quota: requests per window (seconds) on the rate-limited crawl.</summary>
    public int QuotaRequests { get; init; } = 1000;

    public int QuotaWindowSeconds { get; init; } = 300;

    /// <summary>Vector counts of the USearch vs brute-force comparison.</summary>
    public int[] VectorCounts { get; init; } = [100_000, 1_000_000];

    /// <summary>Cards whose chunks are embedded per timed embedding run.</summary>
    public int EmbeddingCards { get; init; } = 100;

    /// <summary>
    /// <c>--only embedding</c>, <c>--only ingest</c>, <c>--only queries,duckdb</c>: run those sections alone and replace
    /// them in the existing report, so one part can be re-measured without a 40-minute run. The embedder needs no
    /// platform; ingest, queries and duckdb start it and crawl the hub once (that crawl is written into the report
    /// only when ingest is named).
    /// </summary>
    public IReadOnlySet<string>? Only { get; init; }

    /// <summary>The sections <c>--only</c> can name.</summary>
    public static readonly string[] OnlySections = ["embedding", "ingest", "queries", "duckdb"];

    /// <summary>Whether this run measures the section: every section, or the ones <c>--only</c> named.</summary>
    public bool Measures(string section) => Only is null || Only.Contains(section);

    /// <summary>
    /// <c>--keep-data</c>: leave the platform's data folder (Postgres, RabbitMQ, secrets) when the run ends, and say where,
    /// so the ingested hub's statements can be examined afterwards (EXPLAIN ANALYZE) on a Postgres started on it.
    /// </summary>
    public bool KeepData { get; init; }

    /// <summary>
    /// <c>--ranks path</c>: also write where each way of embedding ranks every expected model of the relevance set,
    /// per query (what moved a recall@10 or MRR difference).
    /// </summary>
    public string? RanksPath { get; init; }

    public int Concurrency { get; init; } = 16;

    public TimeSpan LoadDuration { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>How long the whole ingest may take before the bench gives up on it.</summary>
    public TimeSpan IngestTimeout { get; init; } = TimeSpan.FromMinutes(40);

    /// <summary>The report to write; null for a scale-out run given no <c>--out</c> (its row goes to <see cref="ScalingPath"/> only).</summary>
    public string? OutputPath { get; init; } = "docs/BENCHMARKS.md";

    /// <summary><c>--replicas N</c>: N replicas each of metrics, lineage and search (<c>Replicas:{service}</c>).</summary>
    public int Replicas { get; init; } = 1;

    /// <summary><c>--postgres-per-service</c>: a Postgres server per schema owner (<c>Infrastructure:PostgresPerService</c>).</summary>
    public bool PostgresPerService { get; init; }

    /// <summary>
    /// <c>--endpoint-proxies</c>: keep Aspire's orchestrator proxy in front of every endpoint, as <c>./hub up</c> does. By
    /// default the bench runs without them (<c>Endpoints:Proxied=false</c>): a deployment has no such proxy, and on two
    /// cores its copies of every request were part of what the bench measured.
    /// </summary>
    public bool EndpointProxies { get; init; }

    /// <summary>
    /// <c>--scaling path</c>: also write this run's ingest as a row of the scale-out table there (docs/SCALING.md). A run with
    /// <c>--replicas</c> or <c>--postgres-per-service</c> does so by default and writes no other report unless <c>--out</c> is
    /// given, so a variant never replaces section 2 of docs/BENCHMARKS.md, which measures the default deployment.
    /// </summary>
    public string? ScalingPath { get; init; }

    /// <summary>Whether this run deploys the platform otherwise than <c>./hub up</c> does by default.</summary>
    public bool ScalesOut => Replicas > 1 || PostgresPerService;

    /// <summary>The deployment in words, for the scale-out table.</summary>
    public string Deployment =>
        $"{(Replicas > 1 ? $"{Replicas} replicas each of metrics, lineage, search" : "1 replica each")}, " +
        $"{(PostgresPerService ? "a Postgres server per service" : "one Postgres server")}" +
        (EndpointProxies ? ", the orchestrator's endpoint proxies" : "");

    /// <summary>The command line, written into the report so anyone can run the same thing.</summary>
    public string Command { get; init; } = "./hub bench";

    /// <summary>The command without where it writes (<c>--out</c>, <c>--scaling</c>): what was measured, the key of a scale-out row.</summary>
    public string MeasuredCommand { get; init; } = "./hub bench";

    public static BenchOptions Parse(string[] args)
    {
        var quick = args.Contains("--quick");
        var options = quick ? QuickDefaults : new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            options = args[i] switch
            {
                "--quick" => options,
                "--models" => options with { Models = int.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture) },
                "--runs" => options with { Runs = int.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture) },
                "--vectors" => options with
                {
                    VectorCounts = Value().Split(',').Select(v => int.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray(),
                },
                "--out" => options with { OutputPath = Value() },
                "--only" => options with { Only = ParseOnly(Value()) },
                "--keep-data" => options with { KeepData = true },
                "--ranks" => options with { RanksPath = Path.GetFullPath(Value()) },
                "--replicas" => options with { Replicas = ParseReplicas(Value()) },
                "--postgres-per-service" => options with { PostgresPerService = true },
                "--endpoint-proxies" => options with { EndpointProxies = true },
                "--scaling" => options with { ScalingPath = Value() },
                _ => throw new ArgumentException($"Unknown option {args[i]}. Usage: ./hub bench [--quick] [--models N] [--runs N] " +
                                                 $"[--vectors 100000,1000000] [--out docs/BENCHMARKS.md] [--only {string.Join(',', OnlySections)}] " +
                                                 "[--keep-data] [--ranks ranks.md] " +
                                                 "[--replicas N] [--postgres-per-service] [--endpoint-proxies] [--scaling docs/SCALING.md]"),
            };
        }
        if (options.ScalesOut)
        {
            options = options with
            {
                OutputPath = args.Contains("--out") ? options.OutputPath : null,
                ScalingPath = options.ScalingPath ?? "docs/SCALING.md",
            };
        }
        var measured = args.Where((arg, i) => !IsOutput(arg) && (i == 0 || !IsOutput(args[i - 1])));
        return options with
        {
            Command = string.Join(' ', ["./hub bench", .. args]),
            MeasuredCommand = string.Join(' ', ["./hub bench", .. measured]),
        };
    }

    private static bool IsOutput(string arg) => arg is "--out" or "--scaling";

    private static int ParseReplicas(string value) =>
        int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var replicas)
        && replicas is >= 1 and <= 16
            ? replicas
            : throw new ArgumentException($"--replicas takes a number from 1 to 16, not '{value}'.");

    private static HashSet<string> ParseOnly(string value)
    {
        var sections = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        return sections.Count > 0 && sections.All(OnlySections.Contains)
            ? sections
            : throw new ArgumentException($"--only takes one or more of: {string.Join(", ", OnlySections)} (comma-separated).");
    }

    /// <summary>Small enough for CI: a 2,000-model hub in 100-model pages, a 5-request/2 s quota, 5k vectors.</summary>
    public static BenchOptions QuickDefaults { get; } = new()
    {
        Quick = true,
        Models = 2_000,
        Runs = 3,
        PageSize = 100,
        QuotaRequests = 5,
        QuotaWindowSeconds = 2,
        VectorCounts = [5_000],
        EmbeddingCards = 20,
        Concurrency = 4,
        LoadDuration = TimeSpan.FromSeconds(1),
        IngestTimeout = TimeSpan.FromMinutes(3),
    };
}
