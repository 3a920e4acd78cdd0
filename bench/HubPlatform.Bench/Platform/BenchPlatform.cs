using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using HubPlatform.AppHost.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace HubPlatform.Bench.Platform;

/// <summary>
/// The real AppHost started as the end-to-end tests start it (Aspire.Hosting.Testing, local
/// infrastructure), but on ports and a data folder of its own, with the emulator generating a
/// synthetic hub of the bench's size instead of replaying the sample, and no crawl until the
/// bench asks for one. Disposing stops every process it started and deletes its data (unless <c>--keep-data</c>).
/// </summary>
public sealed class BenchPlatform : IAsyncDisposable
{
    public const string AdminKey = "bench-admin-key";

    // Never the test servers' (45432/46379/35682), the E2E test's (45532/46479/35692) or ./hub up's (35432/36379/35672).
    // With --postgres-per-service the services' servers take the next four ports (45633-45636), which nothing else uses either.
    public const int PostgresPort = 45632;
    public const int RedisPort = 46579;
    public const int RabbitMqPort = 35702;
    public const int RabbitMqManagementPort = 45702;

    /// <summary>The consumers <c>--replicas N</c> runs N of (the crawler and the gateway stay single).</summary>
    private static readonly string[] ReplicatedServices = ["metrics", "lineage", "search"];

    private readonly string _dataDirectory;
    private readonly bool _keepData;
    private volatile bool _rateLimited;

    private BenchPlatform(string dataDirectory, bool keepData, IReadOnlyList<LocalPostgres> postgresServers) =>
        (_dataDirectory, _keepData, PostgresServers) = (dataDirectory, keepData, postgresServers);

    /// <summary>
    /// The platform's Postgres servers and the schemas each holds: one for all, or one per service (<c>--postgres-per-service</c>).
    /// </summary>
    public IReadOnlyList<LocalPostgres> PostgresServers { get; }

    public DistributedApplication App { get; private set; } = null!;

    public HttpClient Gateway { get; private set; } = null!;

    /// <summary>"/api/v1" once the gateway's versioned routes are on main, else "/api".</summary>
    public string ApiPrefix { get; private set; } = "/api";

    public Uri EmulatorUri => App.GetEndpoint("hub-emulator", "http");

    public Uri ServiceUri(string service) => App.GetEndpoint(service, "http");

    public static string RabbitMqUri => $"amqp://guest:guest@127.0.0.1:{RabbitMqPort}/";

    /// <summary>The superuser's login to one of the platform's Postgres servers (the bench reads every schema and the statistics views).</summary>
    public string PostgresConnectionString(LocalPostgres server) =>
        $"Host=127.0.0.1;Port={server.Port};Username=postgres;Password={Secret("postgres")};Database=hub;Timeout=15;Command Timeout=600";

    /// <summary>The server that holds a service's schema.</summary>
    public LocalPostgres PostgresServerOf(string service) => PostgresServers.Single(s => s.Services.Contains(service));

    /// <summary>A piece of the servers' command lines that only this platform's servers have.</summary>
    public string DataDirectory => _dataDirectory;

    public static async Task<BenchPlatform> StartAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var dataDirectory = Path.Combine(RepoRoot, ".hub", "bench-" + Guid.NewGuid().ToString("N")[..8]);
        // The same plan the AppHost makes from the same setting, so the bench knows which server holds which schema.
        var settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [LocalPostgres.PerServiceSetting] = options.PostgresPerService ? "true" : "false",
        }).Build();
        var platform = new BenchPlatform(dataDirectory, options.KeepData, LocalPostgres.Plan(settings, dataDirectory, PostgresPort));
        try
        {
            await platform.StartAppAsync(options, cancellationToken);
        }
        catch
        {
            await platform.DisposeAsync();
            throw;
        }
        return platform;
    }

    private async Task StartAppAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.HubPlatform_AppHost>(
        [
            "--Infrastructure:Mode=local",
            $"--Infrastructure:DataDirectory={_dataDirectory}",
            $"--Infrastructure:PostgresPort={PostgresPort}",
            $"--Infrastructure:RedisPort={RedisPort}",
            $"--Infrastructure:RabbitMqPort={RabbitMqPort}",
            $"--Infrastructure:RabbitMqManagementPort={RabbitMqManagementPort}",
            $"--Parameters:admin-api-key={AdminKey}",
            // No replay folder: the emulator generates a hub (Emulator:Synthetic*) instead.
            "--Emulator:ReplayDirectory=",
            $"--{LocalPostgres.PerServiceSetting}={(options.PostgresPerService ? "true" : "false")}",
            $"--{HubServiceExtensions.ProxiedSetting}={(options.EndpointProxies ? "true" : "false")}",
            .. ReplicatedServices.Select(service => $"--Replicas:{service}={options.Replicas}"),
        ], cancellationToken);
        // The bench prints its own progress; the AppHost's health checks fail noisily while servers start.
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None)
            .AddFilter("Aspire.Hosting", LogLevel.Error)
            // The testing builder's HttpClients log four lines a request: a cached load of a million requests would time the logging.
            .AddFilter("System.Net.Http.HttpClient", LogLevel.Warning));

        builder.CreateResourceBuilder<ProjectResource>("hub-emulator").WithEnvironment(context =>
        {
            var env = context.EnvironmentVariables;
            env["Emulator__ReplayDirectory"] = "";
            env["Emulator__SyntheticModels"] = options.Models.ToString(System.Globalization.CultureInfo.InvariantCulture);
            env["Emulator__SyntheticDatasets"] = (options.Models / 4).ToString(System.Globalization.CultureInfo.InvariantCulture);
            env["Emulator__SyntheticSpaces"] = (options.Models / 2).ToString(System.Globalization.CultureInfo.InvariantCulture);
            // Read again on every start, so a restart can switch the Hub's quota on.
            env["Emulator__RateLimit__Enabled"] = _rateLimited ? "true" : "false";
            env["Emulator__RateLimit__Api__Anonymous"] = options.QuotaRequests.ToString(System.Globalization.CultureInfo.InvariantCulture);
            env["Emulator__RateLimit__Api__Free"] = options.QuotaRequests.ToString(System.Globalization.CultureInfo.InvariantCulture);
            env["Emulator__RateLimit__WindowSeconds"] = options.QuotaWindowSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            env["Logging__LogLevel__Default"] = "Warning";
        });
        builder.CreateResourceBuilder<ProjectResource>("crawler")
            .WithEnvironment("Crawler__CrawlOnStartup", "false")
            .WithEnvironment("Crawler__FullCrawlCron", "")
            .WithEnvironment("Crawler__IncrementalCrawlCron", "")
            // The listings only: overviews and cards are requests of their own, which the quota
            // section's arithmetic (one request per page) and the ingest stages do not count.
            .WithEnvironment("Crawler__MaxOrganizations", "0")
            .WithEnvironment("Crawler__FetchCards", "false")
            .WithEnvironment("Crawler__PageSize", options.PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // One embedding thread: the embedding backlog of a large hub would otherwise take both cores for the whole run.
        builder.CreateResourceBuilder<ProjectResource>("search").WithEnvironment("Search__Embeddings__IntraOpThreads", "1");
        // The load generator is one client: the per-client limits would measure the limiter, not the gateway.
        builder.CreateResourceBuilder<ProjectResource>("gateway")
            .WithEnvironment("Gateway__RateLimit__AnonymousPerMinute", "100000000")
            .WithEnvironment("Gateway__RateLimit__ApiKeyPerMinute", "100000000");
        foreach (var service in new[] { "metrics", "lineage", "search", "gateway" })
        {
            builder.CreateResourceBuilder<ProjectResource>(service).WithEnvironment("Logging__LogLevel__Default", "Warning");
        }
        // ... but the two lines that say how long a snapshot's closing step took (section 2 quotes them).
        builder.CreateResourceBuilder<ProjectResource>("metrics")
            .WithEnvironment("Logging__LogLevel__HubPlatform.Metrics.IntegrationEvents.SnapshotIngestion", "Information");
        builder.CreateResourceBuilder<ProjectResource>("lineage")
            .WithEnvironment("Logging__LogLevel__HubPlatform.Lineage.Graph.FamilyRollup", "Information");

        App = await builder.BuildAsync(cancellationToken);
        using var startup = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        startup.CancelAfter(TimeSpan.FromMinutes(6));
        await App.StartAsync(startup.Token);
        await App.ResourceNotifications.WaitForResourceHealthyAsync("gateway", startup.Token);
        Gateway = App.CreateHttpClient("gateway");
        Gateway.Timeout = TimeSpan.FromMinutes(5);
        using var probe = await Gateway.GetAsync("/api/v1/snapshots", startup.Token);
        ApiPrefix = probe.StatusCode == System.Net.HttpStatusCode.NotFound ? "/api" : "/api/v1";
    }

    /// <summary>Starts a full crawl through the gateway's admin route and gives its snapshot id.</summary>
    public async Task<Guid> StartCrawlAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{ApiPrefix}/crawls")
        {
            Content = new StringContent("""{"kind":"Full"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Api-Key", AdminKey);
        using var response = await Gateway.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Starting a crawl failed: {(int)response.StatusCode} {body}");
        }
        return JsonDocument.Parse(body).RootElement.GetProperty("snapshotId").GetGuid();
    }

    /// <summary>The crawler's own view of a crawl (straight from the crawler, never a cached answer).</summary>
    public async Task<JsonElement> CrawlAsync(Guid snapshotId, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = ServiceUri("crawler") };
        return JsonDocument.Parse(await client.GetStringAsync($"/api/crawls/{snapshotId}", cancellationToken)).RootElement.Clone();
    }

    /// <summary>
    /// The lines a resource writes to its console log that <paramref name="keep"/> selects, as they come
    /// (the crawler's own account of where a page's time went, for instance), until cancelled.
    /// </summary>
    /// <remarks>
    /// The resource's stream merges its replicas' logs; with replicas it did not end when cancelled, so the caller waits for
    /// the watch only a short while after cancelling it.
    /// </remarks>
    public async Task WatchLogsAsync(string resource, Func<string, bool> keep, Action<string> line, CancellationToken cancellationToken)
    {
        var logs = App.Services.GetRequiredService<ResourceLoggerService>();
        var model = App.Services.GetRequiredService<DistributedApplicationModel>();
        try
        {
            await foreach (var batch in logs.WatchAsync(model.Resources.Single(r => r.Name == resource)).WithCancellation(cancellationToken))
            {
                foreach (var log in batch.Where(l => keep(l.Content)))
                {
                    line(log.Content);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Done watching.
        }
    }

    /// <summary>Restarts the emulator with the Hub's free quota switched on or off (same seed, so the same hub).</summary>
    public async Task RestartEmulatorAsync(bool rateLimited, CancellationToken cancellationToken)
    {
        _rateLimited = rateLimited;
        var model = App.Services.GetRequiredService<DistributedApplicationModel>();
        var emulator = model.Resources.Single(r => r.Name == "hub-emulator");
        var result = await App.ResourceCommands.ExecuteCommandAsync(emulator, "resource-restart", cancellationToken);
        if (!result.Success)
        {
            throw new InvalidOperationException($"Restarting the emulator failed: {result.Message}");
        }
        await WaitForEmulatorAsync(cancellationToken);
    }

    /// <summary>Waits until the emulator answers a listing (its hub is generated on first use).</summary>
    public async Task<TimeSpan> WaitForEmulatorAsync(CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        using var client = new HttpClient { BaseAddress = EmulatorUri, Timeout = TimeSpan.FromMinutes(10) };
        while (true)
        {
            try
            {
                using var response = await client.GetAsync("/api/models?limit=1", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return started.Elapsed;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            if (started.Elapsed > TimeSpan.FromMinutes(10))
            {
                throw new TimeoutException("The emulator did not answer within 10 minutes.");
            }
            await Task.Delay(250, cancellationToken);
        }
    }

    /// <summary>A superuser session on the Postgres server that holds <paramref name="service"/>'s schema.</summary>
    public Task<NpgsqlConnection> OpenDatabaseAsync(string service, CancellationToken cancellationToken) =>
        OpenDatabaseAsync(PostgresServerOf(service), cancellationToken);

    public async Task<NpgsqlConnection> OpenDatabaseAsync(LocalPostgres server, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(PostgresConnectionString(server));
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    public static HttpClient RabbitMqManagement()
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{RabbitMqManagementPort}") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("guest:guest"u8.ToArray()));
        return client;
    }

    private string Secret(string name) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(_dataDirectory, "secrets.json"))).RootElement.GetProperty(name).GetString()!;

    public static string RepoRoot
    {
        get
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "HubPlatform.sln")))
                {
                    return directory.FullName;
                }
            }
            throw new InvalidOperationException("HubPlatform.sln not found above " + AppContext.BaseDirectory);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Gateway?.Dispose();
        if (App is not null)
        {
            try
            {
                using var stopping = new CancellationTokenSource(TimeSpan.FromMinutes(2));
                await App.StopAsync(stopping.Token);
            }
            finally
            {
                await App.DisposeAsync();
            }
        }
        for (var attempt = 0; attempt < 5 && !_keepData && Directory.Exists(_dataDirectory); attempt++)
        {
            try
            {
                Directory.Delete(_dataDirectory, recursive: true);
            }
            catch (IOException)
            {
                await Task.Delay(1000); // Postgres may still be flushing.
            }
            catch (UnauthorizedAccessException)
            {
                await Task.Delay(1000);
            }
        }
    }
}
