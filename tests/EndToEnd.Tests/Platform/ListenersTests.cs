using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using HubPlatform.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace HubPlatform.Tests.EndToEnd.Platform;

/// <summary>
/// The running platform (real AppHost, local servers) listens on loopback only: the servers, the
/// services, the gateway, Aspire's orchestrator, and the epmd if this platform's RabbitMQ started it.
/// </summary>
[Collection(EndToEndCollection.Name)]
public class ListenersTests(PlatformFixture platform)
{
    [Fact]
    public async Task Nothing_of_the_running_platform_listens_beyond_loopback()
    {
        await platform.App.ResourceNotifications.WaitForResourceHealthyAsync("gateway");
        // Ours: this process (the AppHost) and what runs under it, every resource's process (Aspire's
        // orchestrator starts them detached) and what runs under those, and whatever names the
        // platform's data folder (an epmd that the platform's RabbitMQ daemonised). An epmd started
        // earlier by another node on the machine is not the platform's.
        var roots = ResourcePids(_ => true).Values.Append(Environment.ProcessId).ToHashSet();
        var listeners = Listeners.Of(pid => Listeners.DescendsFrom(pid, roots)
            || Listeners.CommandLineAndEnvironment(pid).Contains(platform.DataDirectory, StringComparison.Ordinal));

        // Sanity: the servers and the Erlang distribution port are among them (ports from PlatformFixture).
        foreach (var port in new[] { PlatformFixture.PostgresPort, PlatformFixture.RedisPort, PlatformFixture.RabbitMqPort,
            PlatformFixture.RabbitMqPort + 20_000 })
        {
            Assert.True(listeners.Any(l => l.Port == port), $"nothing on port {port} among {string.Join(", ", listeners)}");
        }
        Assert.All(listeners, l => Assert.True(l.OnLoopback, $"{l} listens beyond loopback"));
    }

    [Fact]
    public async Task Every_service_runs_in_production_mode()
    {
        await platform.App.ResourceNotifications.WaitForResourceHealthyAsync("gateway");
        var projects = ResourcePids(r => r is ProjectResource);
        Assert.Equal(["crawler", "gateway", "hub-emulator", "lineage", "metrics", "search"], projects.Keys.Order(StringComparer.Ordinal));
        // No developer exception pages: the launch profiles say Development, the AppHost overrides them.
        Assert.All(projects, p => Assert.Contains("ASPNETCORE_ENVIRONMENT=Production ", Listeners.CommandLineAndEnvironment(p.Value),
            StringComparison.Ordinal));
    }

    /// <summary>The process of each resource Aspire started (as its dashboard shows it).</summary>
    private Dictionary<string, int> ResourcePids(Func<IResource, bool> which)
    {
        var pids = new Dictionary<string, int>();
        foreach (var resource in platform.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Where(which))
        {
            if (platform.App.ResourceNotifications.TryGetCurrentState(resource.Name, out var state)
                && state.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value is { } pid)
            {
                pids[resource.Name] = Convert.ToInt32(pid, CultureInfo.InvariantCulture);
            }
        }
        return pids;
    }
}
