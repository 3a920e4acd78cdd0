using Microsoft.Extensions.Configuration;

namespace HubPlatform.AppHost.Infrastructure;

public enum InfrastructureMode
{
    /// <summary>Postgres, RabbitMQ and Redis as containers (a container runtime is needed).</summary>
    Containers,

    /// <summary>Locally installed servers, started by the AppHost as executables (no container runtime needed).</summary>
    Local,

    /// <summary>Servers that already run elsewhere; connection strings come from configuration.</summary>
    External,
}

/// <summary>
/// The servers every service needs, whatever runs them. A service gets its own database login
/// (<see cref="DatabaseFor"/>), the broker and the cache, and waits for <see cref="Servers"/>.
/// </summary>
public sealed class HubInfrastructure(
    InfrastructureMode mode,
    IReadOnlyList<IResourceBuilder<IResource>> servers,
    Func<string, IResourceBuilder<IResourceWithConnectionString>> databaseFor,
    IResourceBuilder<IResourceWithConnectionString> messaging,
    IResourceBuilder<IResourceWithConnectionString> cache)
{
    /// <summary>The services that own a schema; each gets a role named hub_{service}.</summary>
    public static readonly string[] SchemaOwners = ["crawler", "metrics", "lineage", "search"];

    public InfrastructureMode Mode { get; } = mode;
    public IReadOnlyList<IResourceBuilder<IResource>> Servers { get; } = servers;
    public IResourceBuilder<IResourceWithConnectionString> DatabaseFor(string service) => databaseFor(service);
    public IResourceBuilder<IResourceWithConnectionString> Messaging { get; } = messaging;
    public IResourceBuilder<IResourceWithConnectionString> Cache { get; } = cache;
}

public static class HubInfrastructureExtensions
{
    /// <summary>
    /// Picks the mode: <c>Infrastructure:Mode</c> when it is not "auto"; else external when
    /// connection strings are configured, containers when a container runtime answers, local otherwise.
    /// </summary>
    public static HubInfrastructure AddHubInfrastructure(this IDistributedApplicationBuilder builder)
    {
        var mode = ChooseMode(builder.Configuration);
        Console.WriteLine($"HubPlatform infrastructure mode: {mode}");
        return mode switch
        {
            InfrastructureMode.Containers => ContainerServers.Add(builder),
            InfrastructureMode.External => ExternalServers.Add(builder),
            _ => LocalServers.Add(builder),
        };
    }

    private static InfrastructureMode ChooseMode(ConfigurationManager configuration)
    {
        var configured = configuration["Infrastructure:Mode"] ?? "auto";
        if (!configured.Equals("auto", StringComparison.OrdinalIgnoreCase))
        {
            return Enum.Parse<InfrastructureMode>(configured, ignoreCase: true);
        }
        if (!string.IsNullOrEmpty(configuration.GetConnectionString("messaging")))
        {
            return InfrastructureMode.External;
        }
        return ContainerRuntime.IsAvailable() ? InfrastructureMode.Containers : InfrastructureMode.Local;
    }
}
