using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace HubPlatform.Tests.Support;

/// <summary>
/// One HubPlatform service as its own operating-system process, run from its build output the way
/// the AppHost runs it, wired like <see cref="ServiceHost{TEntryPoint}"/> (its database login, the
/// test's virtual host, Redis). Unlike an in-process host it can be killed outright: SIGKILL, no
/// graceful stop, the messages it holds unacknowledged and its open transactions cut.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private const int KeptLines = 200;
    private readonly Process _process;
    private readonly Queue<string> _output = new();

    private ServiceProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri Address { get; }

    /// <summary>A client for the service's own API.</summary>
    public HttpClient Http { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the service wrote, for a failing test's message.</summary>
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

    /// <param name="project">The service's project folder and assembly name under services/ (Lineage, Search, ...).</param>
    /// <param name="service">Its name for the database login (lineage, search, ...).</param>
    public static ServiceProcess Start(string project, string service, PlatformDatabase database, string virtualHost,
        IDictionary<string, string?>? settings = null)
    {
        var output = Path.Combine(SampleData.RepoRoot, "services", project, "bin", BuildConfiguration(), "net10.0");
        var assembly = Path.Combine(output, project + ".dll");
        if (!File.Exists(assembly))
        {
            throw new FileNotFoundException($"{assembly} is not built (the test project references it, so building the tests builds it).", assembly);
        }
        var address = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", [assembly])
        {
            WorkingDirectory = output,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_URLS"] = address.ToString(),
            ["ConnectionStrings:hubdb"] = database.For(service),
            ["ConnectionStrings:messaging"] = TestServers.MessagingFor(virtualHost),
            ["ConnectionStrings:cache"] = $"{TestServers.Redis},defaultDatabase={Math.Abs(virtualHost.GetHashCode()) % 16}",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            environment[key] = value;
        }
        foreach (var (key, value) in environment)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{project} did not start.");
        var started = new ServiceProcess(process, address);
        process.OutputDataReceived += (_, e) => started.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => started.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    /// <summary>SIGKILL, as the kernel's OOM killer or a lost machine would do it, and waits until the process is gone.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
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
            if (_output.Count > KeptLines)
            {
                _output.Dequeue();
            }
        }
    }

    /// <summary>The configuration the tests were built in (Debug, Release): the services were built in it too.</summary>
    private static string BuildConfiguration()
    {
        var parts = AppContext.BaseDirectory.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        var bin = Array.LastIndexOf(parts, "bin");
        return bin >= 0 && bin + 1 < parts.Length ? parts[bin + 1] : "Debug";
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            await KillAsync();
        }
        _process.Dispose();
    }
}
