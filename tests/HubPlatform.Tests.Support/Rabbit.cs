using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace HubPlatform.Tests.Support;

/// <summary>RabbitMQ's management API: a virtual host per test class (so queues never meet), and queue depths.</summary>
public sealed class Rabbit : IDisposable
{
    private readonly HttpClient _http;

    public Rabbit()
    {
        var management = TestServers.RabbitMqManagement;
        _http = new HttpClient { BaseAddress = new Uri(management.GetLeftPart(UriPartial.Authority)) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(management.UserInfo))));
    }

    public async Task CreateVirtualHostAsync(string vhost)
    {
        (await _http.PutAsync($"/api/vhosts/{vhost}", null)).EnsureSuccessStatusCode();
        (await _http.PutAsJsonAsync($"/api/permissions/{vhost}/guest", new { configure = ".*", write = ".*", read = ".*" }))
            .EnsureSuccessStatusCode();
    }

    public async Task DeleteVirtualHostAsync(string vhost) => await _http.DeleteAsync($"/api/vhosts/{vhost}");

    /// <summary>Messages ready in a queue, or null while the queue does not exist.</summary>
    public async Task<long?> MessagesAsync(string vhost, string queue)
    {
        using var response = await _http.GetAsync($"/api/queues/{vhost}/{queue}");
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        return json.TryGetProperty("messages", out var m) && m.ValueKind == JsonValueKind.Number ? m.GetInt64() : 0;
    }

    /// <summary>Every queue of a virtual host with the messages in it.</summary>
    public async Task<Dictionary<string, long>> QueuesAsync(string vhost)
    {
        var queues = await _http.GetFromJsonAsync<JsonElement>($"/api/queues/{vhost}?columns=name,messages");
        return queues.EnumerateArray().ToDictionary(q => q.GetProperty("name").GetString()!,
            q => q.TryGetProperty("messages", out var m) && m.ValueKind == JsonValueKind.Number ? m.GetInt64() : 0);
    }

    /// <summary>Every queue of a virtual host with its type (classic, quorum, stream).</summary>
    public async Task<Dictionary<string, string>> QueueTypesAsync(string vhost)
    {
        var queues = await _http.GetFromJsonAsync<JsonElement>($"/api/queues/{vhost}?columns=name,type");
        return queues.EnumerateArray().ToDictionary(q => q.GetProperty("name").GetString()!,
            q => q.TryGetProperty("type", out var t) ? t.GetString() ?? "" : "", StringComparer.Ordinal);
    }

    /// <summary>
    /// Deliveries the queue's consumers acknowledged so far (faulted ones too: they move to the
    /// error queue). The management API refreshes it every few seconds, so wait for it to reach a
    /// count rather than for it to stop moving.
    /// </summary>
    public async Task<long> AcknowledgedAsync(string vhost, string queue)
    {
        using var response = await _http.GetAsync($"/api/queues/{vhost}/{queue}");
        if (!response.IsSuccessStatusCode)
        {
            return 0;
        }
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        return json.TryGetProperty("message_stats", out var stats) && stats.TryGetProperty("ack", out var ack)
            && ack.ValueKind == JsonValueKind.Number ? ack.GetInt64() : 0;
    }

    /// <summary>The first message of a queue, left in place.</summary>
    public async Task<JsonElement> PeekAsync(string vhost, string queue)
    {
        using var response = await _http.PostAsJsonAsync($"/api/queues/{vhost}/{queue}/get",
            new { count = 1, ackmode = "ack_requeue_true", encoding = "auto" });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>())[0];
    }

    public void Dispose() => _http.Dispose();
}
