using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using HubPlatform.AppHost.Infrastructure;
using Npgsql;

namespace HubPlatform.Tests.EndToEnd.Unit;

/// <summary>The AppHost's resource graph, read without starting anything (external mode: no servers spawned).</summary>
public sealed class AppHostModelTests
{
    [Fact]
    public async Task The_crawler_starts_only_once_every_consumer_is_healthy()
    {
        // Seen on a fresh clone: search took longer to start than the crawler's startup crawl took to run, its
        // queues were bound after the listing pages were published, and RabbitMQ dropped them: no documents.
        await using var builder =
            await DistributedApplicationTestingBuilder.CreateAsync<Projects.HubPlatform_AppHost>(["--Infrastructure:Mode=external"]);

        var crawler = builder.Resources.Single(r => r.Name == "crawler");
        var waitsFor = crawler.Annotations.OfType<WaitAnnotation>()
            .Where(w => w.WaitType == WaitType.WaitUntilHealthy)
            .Select(w => w.Resource.Name)
            .ToHashSet();

        Assert.Superset(new HashSet<string> { "metrics", "lineage", "search" }, waitsFor);
        foreach (var consumer in new[] { "metrics", "lineage", "search" })
        {
            Assert.Contains(builder.Resources.Single(r => r.Name == consumer).Annotations.OfType<HealthCheckAnnotation>(), _ => true);
        }
    }

    [Fact]
    public async Task Postgres_per_service_gives_each_service_a_server_of_its_own()
    {
        var servers = await PostgresOfEachServiceAsync(perService: true);

        Assert.Equal(HubInfrastructure.SchemaOwners.Order(StringComparer.Ordinal), servers.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(4, servers.Values.Select(s => s.Server).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(4, servers.Values.Select(s => s.Port).Distinct().Count());
        Assert.Equal(4, servers.Values.Select(s => s.DataDirectory).Distinct(StringComparer.Ordinal).Count());
        foreach (var (service, server) in servers)
        {
            Assert.Equal($"postgres-{service}", server.Server);
            // The service's hubdb login is its own role, on the port its server listens on.
            Assert.Equal(server.ServerPort, server.Port);
            Assert.Equal(DatabaseProvisioning.RoleOf(service), server.Username);
        }
    }

    [Fact]
    public async Task By_default_one_postgres_holds_every_service_schema()
    {
        var servers = await PostgresOfEachServiceAsync(perService: false);

        Assert.All(servers.Values, s => Assert.Equal(("postgres", 47410), (s.Server, s.Port)));
        Assert.Equal(4, servers.Values.Select(s => s.Username).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task Without_endpoint_proxies_a_single_process_listens_itself_and_a_replica_set_keeps_the_proxy()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.HubPlatform_AppHost>(
            ["--Infrastructure:Mode=external", $"--{HubServiceExtensions.ProxiedSetting}=false", "--Replicas:search=2"]);

        bool Proxied(string name) => builder.Resources.Single(r => r.Name == name).Annotations.OfType<ProxySupportAnnotation>()
            .LastOrDefault()?.ProxyEnabled ?? true;

        Assert.All(new[] { "hub-emulator", "crawler", "metrics", "lineage", "gateway" }, name => Assert.False(Proxied(name), name));
        Assert.True(Proxied("search"));
    }

    [Fact]
    public async Task By_default_every_endpoint_is_behind_the_orchestrators_proxy()
    {
        await using var builder =
            await DistributedApplicationTestingBuilder.CreateAsync<Projects.HubPlatform_AppHost>(["--Infrastructure:Mode=external"]);

        Assert.DoesNotContain(builder.Resources, r => r.Annotations.OfType<ProxySupportAnnotation>().Any(a => !a.ProxyEnabled));
    }

    /// <summary>An executable's command-line arguments as the AppHost gave them (all plain strings here).</summary>
    private static async Task<List<string>> ArgumentsAsync(ExecutableResource executable)
    {
        var args = new List<object>();
        foreach (var callback in executable.Annotations.OfType<CommandLineArgsCallbackAnnotation>())
        {
            await callback.Callback(new CommandLineArgsCallbackContext(args, executable, CancellationToken.None));
        }
        return args.Select(a => Assert.IsType<string>(a)).ToList();
    }

    private sealed record ServiceDatabase(string Server, string DataDirectory, int ServerPort, int Port, string Username);

    /// <summary>
    /// Builds the local-mode model (nothing started, no initdb: the data folder stays empty of Postgres) and gives, per
    /// service, the Postgres executable its <c>hubdb</c> connection string logs in to.
    /// </summary>
    private static async Task<Dictionary<string, ServiceDatabase>> PostgresOfEachServiceAsync(bool perService)
    {
        var data = Directory.CreateTempSubdirectory("hub-apphost-model-");
        try
        {
            await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.HubPlatform_AppHost>(
            [
                "--Infrastructure:Mode=local",
                $"--Infrastructure:DataDirectory={data.FullName}",
                // Never started: the model only. A port no server of the project uses, and a path no Postgres is at.
                "--Infrastructure:PostgresPort=47410",
                "--Infrastructure:PostgresBin=/nonexistent/postgres/bin",
                $"--Infrastructure:PostgresPerService={perService}",
            ]);
            var postgres = new Dictionary<string, (string DataDirectory, int Port)>(StringComparer.Ordinal);
            foreach (var server in builder.Resources.OfType<ExecutableResource>().Where(r => r.Name.StartsWith("postgres", StringComparison.Ordinal)))
            {
                var args = await ArgumentsAsync(server);
                var port = int.Parse(args[args.IndexOf("-p") + 1], System.Globalization.CultureInfo.InvariantCulture);
                postgres[server.Name] = (args[args.IndexOf("-D") + 1], port);
            }
            Assert.Empty(Directory.GetDirectories(data.FullName, "postgres*"));

            var result = new Dictionary<string, ServiceDatabase>(StringComparer.Ordinal);
            foreach (var service in HubInfrastructure.SchemaOwners)
            {
                var project = builder.Resources.Single(r => r.Name == service);
                var database = project.Annotations.OfType<ResourceRelationshipAnnotation>()
                    .Select(a => a.Resource).OfType<IResourceWithConnectionString>().Single(r => r.Name == $"{service}-db");
                var login = new NpgsqlConnectionStringBuilder(await database.ConnectionStringExpression.GetValueAsync(CancellationToken.None));
                // The project waits for the server it logs in to.
                var waitsFor = project.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource.Name).ToHashSet(StringComparer.Ordinal);
                var (name, server) = postgres.Single(p => p.Value.Port == login.Port);
                Assert.Contains(name, waitsFor);
                result[service] = new ServiceDatabase(name, server.DataDirectory, server.Port, login.Port, login.Username!);
            }
            return result;
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }
}
