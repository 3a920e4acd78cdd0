using System.Net.Sockets;
using System.Text;

namespace HubPlatform.Bench.Measurement;

/// <summary>
/// Empties the bench platform's own Redis (its gateway output cache and the services' response
/// caches), so the next request is computed from the database: a cold request.
/// </summary>
public static class RedisFlush
{
    public static async Task FlushAllAsync(int port, CancellationToken ct)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port, ct);
        var stream = client.GetStream();
        await stream.WriteAsync("*1\r\n$8\r\nFLUSHALL\r\n"u8.ToArray(), ct);
        var buffer = new byte[64];
        var read = await stream.ReadAsync(buffer, ct);
        var answer = Encoding.ASCII.GetString(buffer, 0, read);
        if (!answer.StartsWith("+OK", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Redis refused FLUSHALL: {answer.Trim()}");
        }
    }
}
