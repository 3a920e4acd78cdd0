using System.Net;
using System.Net.Sockets;

namespace HubPlatform.Tests.Support;

/// <summary>
/// A TCP relay in front of a server, that a test can cut (every connection dropped, new ones
/// refused) and restore: a broker outage as a client sees it, without stopping the broker. Or stall:
/// connections stay open and nothing more crosses them, a server that stopped answering (timeouts, not refusals).
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly List<TcpClient> _connections = [];
    private readonly CancellationTokenSource _stop = new();
    private volatile bool _cut;
    private volatile TaskCompletionSource _flowing = Flowing();

    public TcpProxy(string host, int port)
    {
        _target = new IPEndPoint(IPAddress.Parse(host == "localhost" ? "127.0.0.1" : host), port);
        _listener.Start();
        _ = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public void Cut()
    {
        _cut = true;
        lock (_connections)
        {
            _connections.ForEach(c => c.Dispose());
            _connections.Clear();
        }
    }

    public void Restore() => _cut = false;

    /// <summary>Holds every byte read from either side until <see cref="Resume"/>.</summary>
    public void Stall() => _flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Resume() => _flowing.TrySetResult();

    private static TaskCompletionSource Flowing()
    {
        var flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        flowing.SetResult();
        return flowing;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (_cut)
            {
                client.Dispose();
                continue;
            }
            var upstream = new TcpClient();
            try
            {
                await upstream.ConnectAsync(_target, _stop.Token);
            }
            catch (SocketException)
            {
                client.Dispose();
                upstream.Dispose();
                continue;
            }
            lock (_connections)
            {
                _connections.Add(client);
                _connections.Add(upstream);
            }
            _ = PumpAsync(client, upstream);
            _ = PumpAsync(upstream, client);
        }
    }

    private async Task PumpAsync(TcpClient from, TcpClient to)
    {
        try
        {
            var buffer = new byte[81920];
            var source = from.GetStream();
            var sink = to.GetStream();
            int read;
            while ((read = await source.ReadAsync(buffer, _stop.Token)) > 0)
            {
                await _flowing.Task.WaitAsync(_stop.Token);
                await sink.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception ex)
            when (ex is IOException or ObjectDisposedException or OperationCanceledException or SocketException or InvalidOperationException)
        {
            // The other side went away (or the test cut the line).
        }
        from.Dispose();
        to.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Cut();
    }
}
