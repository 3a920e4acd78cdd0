using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using HubPlatform.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HubPlatform.Tests.EndToEnd.Platform;

/// <summary>
/// The real AppHost in local mode: it starts its own Postgres, RabbitMQ and Redis (on ports of
/// their own, data in a fresh folder), the emulator replaying the real sample, the four services
/// and the gateway; the crawler crawls on startup.
/// </summary>
public sealed class PlatformFixture : IAsyncLifetime
{
    public const string AdminKey = "e2e-admin-key";
    private readonly string _dataDirectory = Path.Combine(SampleData.RepoRoot, ".hub", "e2e-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>
    /// The servers' ports: fixed, away from ./hub's, and movable (HUB_E2E_POSTGRES_PORT,
    /// HUB_E2E_REDIS_PORT, HUB_E2E_RABBITMQ_PORT) where other checkouts test on the same machine.
    /// </summary>
    public static int PostgresPort { get; } = PortFromEnvironment("HUB_E2E_POSTGRES_PORT", 45532);

    public static int RedisPort { get; } = PortFromEnvironment("HUB_E2E_REDIS_PORT", 46479);

    public static int RabbitMqPort { get; } = PortFromEnvironment("HUB_E2E_RABBITMQ_PORT", 35792);

    private static int PortFromEnvironment(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out var port) ? port : fallback;

    /// <summary>
    /// Whether the emulator serves the real cards from ../shared/data (where they are) or makes each model's card
    /// from its metadata, as on a user's clone without them; <c>HUB_E2E_CARDS=generated</c> forces the latter.
    /// </summary>
    public static bool RealCards { get; } = SharedData.HasCards && Environment.GetEnvironmentVariable("HUB_E2E_CARDS") != "generated";

    /// <summary>Where the AppHost keeps the servers' data and its generated passwords (secrets.json).</summary>
    public string DataDirectory => _dataDirectory;

    public DistributedApplication App { get; private set; } = null!;

    /// <summary>Every line the AppHost and its resources (the services' console output) logged.</summary>
    public CapturedLogs Logs { get; } = new();

    public HttpClient Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.HubPlatform_AppHost>(
        [
            "--Infrastructure:Mode=local",
            $"--Infrastructure:DataDirectory={_dataDirectory}",
            $"--Infrastructure:PostgresPort={PostgresPort}",
            $"--Infrastructure:RedisPort={RedisPort}",
            $"--Infrastructure:RabbitMqPort={RabbitMqPort}",
            $"--Parameters:admin-api-key={AdminKey}",
            $"--Emulator:CardsFile={(RealCards ? SharedData.Cards : "")}",
        ]);
        builder.Services.AddLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
        App = await builder.BuildAsync();
        using var startup = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await App.StartAsync(startup.Token);
        await App.ResourceNotifications.WaitForResourceHealthyAsync("gateway", startup.Token);
        Gateway = App.CreateHttpClient("gateway");
    }

    /// <summary>
    /// Kills a service's process outright (SIGKILL: no graceful shutdown, messages in flight are
    /// not acknowledged) and waits until Aspire sees it gone.
    /// </summary>
    public async Task KillAsync(string resource, string projectFolder)
    {
        var killed = 0;
        foreach (var pid in Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Where(n => n!.All(char.IsDigit)))
        {
            string commandLine;
            try
            {
                commandLine = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
            }
            catch (IOException)
            {
                continue;
            }
            if (commandLine.Contains($"/{projectFolder}/bin/", StringComparison.Ordinal))
            {
                System.Diagnostics.Process.GetProcessById(int.Parse(pid!, CultureInfo.InvariantCulture)).Kill();
                killed++;
            }
        }
        Assert.True(killed > 0, $"no process of {projectFolder} found");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await App.ResourceNotifications.WaitForResourceAsync(resource,
            e => e.Snapshot.State?.Text is "Exited" or "Finished" or "FailedToStart", timeout.Token);
    }

    /// <summary>
    /// Restarts Postgres the way an operator's restart looks to clients: a fast shutdown (SIGINT to
    /// the postmaster: sessions are cut, the server stops), then Aspire starts it again.
    /// </summary>
    public async Task RestartPostgresAsync()
    {
        var pid = int.Parse(File.ReadLines(Path.Combine(_dataDirectory, "postgres", "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        using (var signal = System.Diagnostics.Process.Start("kill", ["-INT", pid.ToString(CultureInfo.InvariantCulture)]))
        {
            await signal.WaitForExitAsync();
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await App.ResourceNotifications.WaitForResourceAsync("postgres",
            e => e.Snapshot.State?.Text is "Exited" or "Finished" or "FailedToStart", timeout.Token);
        await CommandAsync("postgres", KnownResourceCommands.StartCommand);
        await App.ResourceNotifications.WaitForResourceHealthyAsync("postgres", timeout.Token);
    }

    /// <summary>Polls a gateway URL until it answers 2xx with JSON that satisfies <paramref name="done"/>.</summary>
    public async Task<JsonElement> UntilAsync(string url, Func<JsonElement, bool> done, string what, TimeSpan patience) =>
        (await Eventually.GetAsync(() => GetOrNullAsync(url), e => e.HasValue && done(e.Value), patience, what))!.Value;

    private async Task<JsonElement?> GetOrNullAsync(string url)
    {
        using var response = await Gateway.GetAsync(url);
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : null;
    }

    /// <summary>Starts or stops one resource, as the dashboard's buttons do.</summary>
    public async Task CommandAsync(string resource, string command)
    {
        var model = App.Services.GetRequiredService<DistributedApplicationModel>();
        var result = await App.ResourceCommands.ExecuteCommandAsync(model.Resources.Single(r => r.Name == resource), command);
        Assert.True(result.Success, result.Message);
    }

    public async Task DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Postgres may still be flushing; the folder is under .hub/, which is ignored.
        }
    }
}
