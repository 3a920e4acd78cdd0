using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace HubPlatform.Tests.Support;

/// <summary>
/// A RabbitMQ node of a test's own (rabbitmq-server, as <c>./hub test</c> and the AppHost's local
/// mode start it), for a test that stops the broker: the shared test server stays up for the
/// classes running beside it. Its own HOME (and Erlang cookie), node name, port and data folder;
/// no management plugin. Stopping it is a crash (SIGKILL of the Erlang VM); starting it again
/// reuses the data folder and port, so durable queues and their persistent messages come back.
/// </summary>
public sealed class PrivateRabbitMq : IAsyncDisposable
{
    private const string Server = "/usr/lib/rabbitmq/bin/rabbitmq-server";
    private readonly string _home = Path.Combine(SampleData.RepoRoot, ".hub", "rabbit-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly Queue<string> _output = new();
    private Process? _server;

    private readonly int? _epmdPort;

    private PrivateRabbitMq(int port, int? epmdPort)
    {
        Port = port;
        _epmdPort = epmdPort;
        Directory.CreateDirectory(_home);
        File.WriteAllText(Path.Combine(_home, "enabled_plugins"), "[].");
        File.WriteAllText(Path.Combine(_home, "rabbitmq.conf"), "loopback_users = none\n");
    }

    public int Port { get; }

    /// <summary>Its default virtual host, as the guest user.</summary>
    public Uri Messaging => new($"amqp://guest:guest@127.0.0.1:{Port}/");

    /// <summary>
    /// Starts a node; with <paramref name="ownEpmd"/> it registers with an epmd of its own on a free
    /// port (started by the node, stopped on dispose) instead of the machine's shared one on 4369.
    /// </summary>
    public static async Task<PrivateRabbitMq> StartAsync(bool ownEpmd = false)
    {
        var broker = new PrivateRabbitMq(FreePort(), ownEpmd ? FreePort() : null);
        await broker.StartAgainAsync();
        return broker;
    }

    /// <summary>Starts the node (again) on its data folder and port, and waits until it accepts AMQP connections.</summary>
    public async Task StartAgainAsync()
    {
        var start = new ProcessStartInfo(Server)
        {
            WorkingDirectory = _home,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // The Erlang distribution port is the node port + 20000 (never set RABBITMQ_DIST_PORT: the
        // CLI tools derive theirs from it); FreePort keeps both free.
        foreach (var (key, value) in new Dictionary<string, string>(HubPlatform.AppHost.Infrastructure.LocalServers.LoopbackErlang)
        {
            ["HOME"] = _home,
            ["RABBITMQ_NODENAME"] = $"hubtest{Port}@localhost",
            ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_NODE_PORT"] = Port.ToString(CultureInfo.InvariantCulture),
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(_home, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(_home, "log"),
            ["RABBITMQ_LOGS"] = "-",
            ["RABBITMQ_PID_FILE"] = Path.Combine(_home, "rabbitmq.pid"),
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(_home, "enabled_plugins"),
            ["RABBITMQ_CONFIG_FILE"] = Path.Combine(_home, "rabbitmq.conf"),
        })
        {
            start.Environment[key] = value;
        }
        if (_epmdPort is { } epmdPort)
        {
            start.Environment["ERL_EPMD_PORT"] = epmdPort.ToString(CultureInfo.InvariantCulture);
        }
        _server = Process.Start(start) ?? throw new InvalidOperationException("rabbitmq-server did not start.");
        _server.OutputDataReceived += (_, e) => Keep(e.Data);
        _server.ErrorDataReceived += (_, e) => Keep(e.Data);
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();

        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (!await AcceptsAsync())
        {
            if (_server.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"the private RabbitMQ on port {Port} did not come up:\n{Output}");
            }
            await Task.Delay(250);
        }
    }

    /// <summary>Kills the broker outright (SIGKILL of the Erlang VM and its helpers): connections drop, nothing is flushed on the way out.</summary>
    public async Task CrashAsync()
    {
        var server = _server ?? throw new InvalidOperationException("not running");
        server.Kill(entireProcessTree: true);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await server.WaitForExitAsync(timeout.Token);
        server.Dispose();
        _server = null;
        // Gone as clients see it: the port refuses connections.
        while (await AcceptsAsync())
        {
            await Task.Delay(100);
        }
    }

    /// <summary>The epmd this node started (<see cref="StartAsync"/> with ownEpmd), if it runs.</summary>
    public int? EpmdPid => _epmdPort is { } port
        ? Listeners.Pids().Where(pid => IsEpmdOn(pid, port)).Select(pid => (int?)pid).FirstOrDefault()
        : null;

    private static bool IsEpmdOn(int pid, int port)
    {
        var process = Listeners.CommandLineAndEnvironment(pid);
        return process.Contains("/epmd ", StringComparison.Ordinal) && process.Contains($"ERL_EPMD_PORT={port} ", StringComparison.Ordinal);
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.Enqueue(line);
            if (_output.Count > 100)
            {
                _output.Dequeue();
            }
        }
    }

    private async Task<bool> AcceptsAsync()
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>
    /// A port free now whose distribution port (+20000) is free too: both below the kernel's range of
    /// outgoing ports (32768 up) and away from the fixed ports of ./hub and the AppHost (35xxx-46xxx).
    /// </summary>
    private static int FreePort()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var port = Random.Shared.Next(6_000, 12_000);
            if (IsFree(port) && IsFree(port + 20_000))
            {
                return port;
            }
        }
        throw new InvalidOperationException("no free port pair for a private RabbitMQ");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await CrashAsync();
        }
        // The node daemonised its own epmd: stop that one (never the machine's shared one).
        if (EpmdPid is { } epmd)
        {
            Process.GetProcessById(epmd).Kill();
        }
        try
        {
            Directory.Delete(_home, recursive: true);
        }
        catch (IOException)
        {
            // .hub/ is ignored by git; a leftover folder does no harm.
        }
    }
}
