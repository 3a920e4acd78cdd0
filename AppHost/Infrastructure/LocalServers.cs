using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HubPlatform.AppHost.Infrastructure;

/// <summary>
/// Local mode: the AppHost runs the machine's own postgres, redis-server and rabbitmq-server as
/// executables, so they show in the dashboard with their logs. Their data lives under
/// <c>Infrastructure:DataDirectory</c> (default .hub/local at the repo root): delete it to start over.
/// </summary>
public static class LocalServers
{
    private const string Host = "127.0.0.1";

    /// <summary>
    /// Keeps the Erlang side of a rabbitmq-server on loopback: by default epmd (port 4369) and the
    /// node's distribution port (node port + 20000) listen on every interface. Whichever node starts
    /// epmd decides where it listens, so every rabbitmq start of the project (here, <c>./hub</c>'s
    /// test servers, the tests' private brokers) sets both. RABBITMQ_DIST_PORT stays unset: the CLI
    /// tools derive their own port from the node port.
    /// </summary>
    public static IReadOnlyDictionary<string, string> LoopbackErlang { get; } = new Dictionary<string, string>
    {
        ["ERL_EPMD_ADDRESS"] = Host,
        ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}",
    };

    public static HubInfrastructure Add(IDistributedApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var dataDirectory = Path.GetFullPath(config["Infrastructure:DataDirectory"] ?? "../.hub/local", builder.AppHostDirectory);
        Directory.CreateDirectory(dataDirectory);
        var secrets = new LocalSecrets(dataDirectory);
        var postgresPort = config.GetValue("Infrastructure:PostgresPort", 35432);
        var redisPort = config.GetValue("Infrastructure:RedisPort", 36379);
        var rabbitPort = config.GetValue("Infrastructure:RabbitMqPort", 35672);

        var postgresServers = LocalPostgres.Plan(config, dataDirectory, postgresPort);
        var postgres = postgresServers.Select(server => AddPostgres(builder, dataDirectory, server, secrets)).ToList();
        var redis = builder.AddExecutable("redis", "redis-server", dataDirectory,
                "--port", redisPort.ToString(CultureInfo.InvariantCulture), "--bind", Host, "--dir", dataDirectory,
                "--save", "", "--appendonly", "no")
            .WithHealthCheck(AddTcpCheck(builder, "redis", redisPort));
        var rabbit = AddRabbitMq(builder, dataDirectory, rabbitPort);

        IResourceBuilder<IResourceWithConnectionString> Connection(string name, string value) =>
            builder.AddResource(new ConnectionStringResource(name, ReferenceExpression.Create($"{value}"))).ExcludeFromManifest();

        var databases = postgresServers.SelectMany(server => server.Services.Select(s => (Service: s, server.Port))).ToDictionary(
            d => d.Service,
            d => Connection($"{d.Service}-db", $"Host={Host};Port={d.Port};Database={DatabaseProvisioning.Database};" +
                $"Username={DatabaseProvisioning.RoleOf(d.Service)};Password={secrets.Get(d.Service)}"));
        return new HubInfrastructure(
            InfrastructureMode.Local,
            [.. postgres, redis, rabbit],
            service => databases[service],
            Connection("messaging", $"amqp://guest:guest@{Host}:{rabbitPort}/"),
            Connection("cache", $"{Host}:{redisPort}"));
    }

    private static IResourceBuilder<IResource> AddPostgres(
        IDistributedApplicationBuilder builder, string dataDirectory, LocalPostgres server, LocalSecrets secrets)
    {
        var bin = builder.Configuration["Infrastructure:PostgresBin"] ?? FindPostgresBin();
        var data = server.DataDirectory;
        var superuserPassword = secrets.Get("postgres");
        var runAsPostgres = Environment.UserName == "root";

        string[] serverArgs = [Path.Combine(bin, "postgres"), "-D", data, "-p", server.Port.ToString(CultureInfo.InvariantCulture),
            "-c", $"listen_addresses={Host}", "-c", "unix_socket_directories=", "-c", "max_connections=300", "-c", "fsync=off",
            // A crawl writes a few GB of rows and index entries. With 256 MB of buffers and the default 1 GB of WAL
            // between checkpoints, backends wrote out dirty pages themselves and every checkpoint made the next
            // change of each page log the whole page; fsync is off anyway, so full-page images protect nothing here.
            "-c", "shared_buffers=1GB", "-c", "max_wal_size=4GB", "-c", "checkpoint_timeout=30min", "-c", "full_page_writes=off",
            // Per-statement timings for operators and the bench's "where the time goes" (contrib, shipped with the server).
            "-c", "shared_preload_libraries=pg_stat_statements"];
        // Postgres refuses to run as root: drop to the postgres user without an intermediate shell.
        var resource = runAsPostgres
            ? builder.AddExecutable(server.Name, "setpriv", dataDirectory,
                ["--reuid=postgres", "--regid=postgres", "--init-groups", "--", .. serverArgs])
            : builder.AddExecutable(server.Name, serverArgs[0], dataDirectory, serverArgs[1..]);
        // The data folder is made when the server first starts, not when the app model is built: reading the model
        // (its tests, a manifest) runs no initdb.
        resource.OnBeforeResourceStarted((_, _, _) =>
        {
            if (!File.Exists(Path.Combine(data, "PG_VERSION")))
            {
                InitDb(bin, dataDirectory, data, superuserPassword, runAsPostgres);
            }
            return Task.CompletedTask;
        });

        var admin = $"Host={Host};Port={server.Port};Username=postgres;Password={superuserPassword};Database=postgres;Timeout=5";
        var check = $"{server.Name}-ready";
        builder.Services.AddHealthChecks().AddCheck(check, new PostgresReadyCheck(_ => Task.FromResult(admin), secrets.Get, server.Services));
        return resource.WithHealthCheck(check);
    }

    private static void InitDb(string bin, string dataDirectory, string data, string password, bool runAsPostgres)
    {
        Directory.CreateDirectory(data);
        var passwordFile = Path.Combine(dataDirectory, Path.GetFileName(data) + ".pw");
        File.WriteAllText(passwordFile, password);
        if (runAsPostgres)
        {
            Run("chown", "-R", "postgres:postgres", data, passwordFile);
        }
        string[] initdb = [Path.Combine(bin, "initdb"), "-D", data, "-U", "postgres", "-E", "UTF8", "--no-locale",
            "--auth-local=trust", "--auth-host=scram-sha-256", $"--pwfile={passwordFile}"];
        if (runAsPostgres)
        {
            Run("setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups", "--", .. initdb]);
        }
        else
        {
            Run(initdb[0], initdb[1..]);
        }
        File.Delete(passwordFile);
    }

    private static IResourceBuilder<IResource> AddRabbitMq(IDistributedApplicationBuilder builder, string dataDirectory, int port)
    {
        var home = Path.Combine(dataDirectory, "rabbitmq");
        Directory.CreateDirectory(home);
        // The management plugin: its HTTP API is where queue depths are read (dashboards, the bench), refreshed every second.
        var managementPort = builder.Configuration.GetValue("Infrastructure:RabbitMqManagementPort", port + 10000);
        var plugins = Path.Combine(home, "enabled_plugins");
        File.WriteAllText(plugins, "[rabbitmq_management].");
        var config = Path.Combine(home, "rabbitmq.conf");
        File.WriteAllText(config,
            $"management.tcp.port = {managementPort}\nmanagement.tcp.ip = {Host}\nloopback_users = none\ncollect_statistics_interval = 1000\n");
        var server = builder.Configuration["Infrastructure:RabbitMqServer"] ?? "/usr/lib/rabbitmq/bin/rabbitmq-server";
        var rabbit = builder.AddExecutable("rabbitmq", server, home);
        foreach (var (key, value) in LoopbackErlang)
        {
            rabbit.WithEnvironment(key, value);
        }
        return rabbit
            .WithEnvironment("HOME", home)
            .WithEnvironment("RABBITMQ_NODENAME", "hub" + port + "@localhost")
            .WithEnvironment("RABBITMQ_NODE_IP_ADDRESS", Host)
            .WithEnvironment("RABBITMQ_NODE_PORT", port.ToString(CultureInfo.InvariantCulture))
            .WithEnvironment("RABBITMQ_MNESIA_BASE", Path.Combine(home, "mnesia"))
            .WithEnvironment("RABBITMQ_LOG_BASE", Path.Combine(home, "log"))
            .WithEnvironment("RABBITMQ_LOGS", "-")
            .WithEnvironment("RABBITMQ_PID_FILE", Path.Combine(home, "rabbitmq.pid"))
            .WithEnvironment("RABBITMQ_ENABLED_PLUGINS_FILE", plugins)
            .WithEnvironment("RABBITMQ_CONFIG_FILE", config)
            .WithHealthCheck(AddTcpCheck(builder, "rabbitmq", port));
    }

    private static string AddTcpCheck(IDistributedApplicationBuilder builder, string name, int port)
    {
        var key = $"{name}-ready";
        builder.Services.AddHealthChecks().AddCheck(key, new TcpPortCheck(Host, port));
        return key;
    }

    private static string FindPostgresBin() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "postgres"))).OrderByDescending(d => d, StringComparer.Ordinal).FirstOrDefault()
              ?? throw new InvalidOperationException(
                  "No PostgreSQL server under /usr/lib/postgresql: run ./hub setup, or set Infrastructure:PostgresBin.")
            : throw new InvalidOperationException("PostgreSQL is not installed: run ./hub setup, or set Infrastructure:PostgresBin.");

    private static void Run(string command, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(command, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} failed ({process.ExitCode}): {stderr.Result}");
        }
    }
}
