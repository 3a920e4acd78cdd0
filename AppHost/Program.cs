using HubPlatform.AppHost.Infrastructure;

var builder = DistributedApplication.CreateBuilder(args);

// Postgres, RabbitMQ and Redis: containers, locally installed servers, or given connection strings.
var infrastructure = builder.AddHubInfrastructure();
// One admin key: the gateway's admin routes, and the services' own (their ports bypass the gateway).
var adminKey = builder.AddAdminApiKey();

// What is crawled: the real sample in the repository (default), a generated hub, or HF_ENDPOINT.
var data = HubData.From(builder);
var emulator = data.Configure(builder.AddProject<Projects.HubEmulator>("hub-emulator"))
    .InProduction()
    .WithEndpointProxies()
    .WithEnvironment("Admin__ApiKey", adminKey);

// The query services know the key too: with it, Cache-Control: no-cache makes them compute an answer afresh (ResponseCache).
var metrics = builder.AddHubService<Projects.Metrics>("metrics", infrastructure).WithEnvironment("Admin__ApiKey", adminKey);
var lineage = builder.AddHubService<Projects.Lineage>("lineage", infrastructure).WithEnvironment("Admin__ApiKey", adminKey);
var search = builder.AddHubService<Projects.Search>("search", infrastructure).WithEnvironment("Admin__ApiKey", adminKey);

// The crawler publishes its first crawl's pages as soon as it starts, and RabbitMQ drops what no queue is
// bound to yet: it starts once every consumer is healthy (its bus started, its queues bound).
var crawler = builder.AddHubService<Projects.Crawler>("crawler", infrastructure)
    .WithHubEndpoint(emulator)
    .WithEnvironment("Admin__ApiKey", adminKey)
    .WaitFor(metrics).WaitFor(lineage).WaitFor(search);

builder.AddProject<Projects.Gateway>("gateway")
    .InProduction()
    .WithReplicas(builder.ReplicasOf("gateway"))
    .WithEndpointProxies()
    .WithEnvironment("Gateway__AdminApiKey", adminKey)
    .WithReference(infrastructure.Messaging, "messaging")
    .WithMessagingSettings()
    .WithReference(infrastructure.Cache, "cache")
    .WithReference(crawler).WithReference(metrics).WithReference(lineage).WithReference(search)
    .WaitFor(metrics).WaitFor(lineage).WaitFor(search).WaitFor(crawler)
    .WithHttpHealthCheck("/health")
    .WithExternalHttpEndpoints()
    .AnnounceWhenReady(emulator, data);

builder.Build().Run();
