using Microsoft.Extensions.Configuration;

namespace HubPlatform.AppHost.Infrastructure;

public static class HubServiceExtensions
{
    /// <summary>
    /// A service that owns a schema: its own database login (as <c>hubdb</c>), the broker, the
    /// cache, and <c>Replicas:{name}</c> copies competing on its queues.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddHubService<TProject>(
        this IDistributedApplicationBuilder builder, string name, HubInfrastructure infrastructure)
        where TProject : IProjectMetadata, new()
    {
        var service = builder.AddProject<TProject>(name)
            .InProduction()
            .WithReplicas(builder.ReplicasOf(name))
            .WithEndpointProxies()
            .WithReference(infrastructure.DatabaseFor(name), "hubdb")
            .WithReference(infrastructure.Messaging, "messaging")
            .WithReference(infrastructure.Cache, "cache")
            .WithMessagingSettings()
            .WithHttpHealthCheck("/health");
        foreach (var server in infrastructure.Servers)
        {
            service.WaitFor(server);
        }
        return service;
    }

    /// <summary>
    /// The broker-wide settings every bus of the platform must agree on, passed on when the AppHost is given them
    /// (<c>./hub up --Messaging:QuorumQueues=true</c>): a queue declared classic by one service and quorum by another fails.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithMessagingSettings(this IResourceBuilder<ProjectResource> project)
    {
        if (project.ApplicationBuilder.Configuration["Messaging:QuorumQueues"] is { Length: > 0 } quorum)
        {
            project.WithEnvironment("Messaging__QuorumQueues", quorum);
        }
        return project;
    }

    /// <summary>
    /// The platform's projects run as in production, whatever their launch profile says (Development,
    /// for running one alone): no developer exception page, errors answered as problem details only.
    /// </summary>
    public static IResourceBuilder<ProjectResource> InProduction(this IResourceBuilder<ProjectResource> project) =>
        project.WithEnvironment("ASPNETCORE_ENVIRONMENT", "Production").WithEnvironment("DOTNET_ENVIRONMENT", "Production");

    /// <summary>The crawler talks to <c>HF_ENDPOINT</c> when it is configured (e.g. https://huggingface.co), else to the emulator.</summary>
    public static IResourceBuilder<ProjectResource> WithHubEndpoint(this IResourceBuilder<ProjectResource> crawler,
        IResourceBuilder<ProjectResource> emulator)
    {
        var configuration = crawler.ApplicationBuilder.Configuration;
        if (configuration["HF_ENDPOINT"] is { Length: > 0 } endpoint)
        {
            crawler.WithEnvironment("HF_ENDPOINT", endpoint);
            if (configuration["HF_TOKEN"] is { Length: > 0 })
            {
                crawler.WithEnvironment("HF_TOKEN", crawler.ApplicationBuilder.AddParameter("hf-token", secret: true));
            }
            return crawler;
        }
        return crawler.WithEnvironment("HF_ENDPOINT", emulator.GetEndpoint("http")).WaitFor(emulator);
    }

    /// <summary>The key of the gateway's admin routes: <c>Parameters:admin-api-key</c>, else one generated and kept in .hub/.</summary>
    public static IResourceBuilder<ParameterResource> AddAdminApiKey(this IDistributedApplicationBuilder builder) =>
        builder.AddParameter("admin-api-key",
            builder.Configuration["Parameters:admin-api-key"]
                ?? new LocalSecrets(Path.GetFullPath("../.hub", builder.AppHostDirectory)).Get("admin-api-key"),
            secret: true);

    /// <summary>
    /// Aspire's orchestrator (DCP) puts a proxy of its own in front of every endpoint by default, so a replica set shares
    /// one address and a restarted process keeps its port. A deployment has no such proxy (the platform's own gateway and
    /// a cluster's service routing take its place), and locally it costs every request a copy through one more process:
    /// 58 % of the machine during the bench's cached loads went to that and other work outside the platform.
    /// <c>Endpoints:Proxied=false</c> lets a single-replica project listen on its endpoint itself; a replica set keeps
    /// the proxy, which is what spreads its requests.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithEndpointProxies(this IResourceBuilder<ProjectResource> project)
    {
        var builder = project.ApplicationBuilder;
        var replicas = project.Resource.TryGetLastAnnotation<ReplicaAnnotation>(out var annotation) ? annotation.Replicas : 1;
        if (!builder.Configuration.GetValue(ProxiedSetting, true) && replicas == 1)
        {
            project.WithEndpointProxySupport(false);
        }
        return project;
    }

    /// <summary>The setting that turns the orchestrator's endpoint proxies off for single-replica projects.</summary>
    public const string ProxiedSetting = "Endpoints:Proxied";

    public static int ReplicasOf(this IDistributedApplicationBuilder builder, string service) =>
        Math.Max(1, builder.Configuration.GetValue($"Replicas:{service}", 1));
}
