using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using HubPlatform.Contracts;
using HubPlatform.Crawler.Infrastructure;
using HubPlatform.Lineage.Infrastructure;
using HubPlatform.Metrics.Infrastructure;
using HubPlatform.Search.Infrastructure;
using HubPlatform.Tests.Support;
using MassTransit;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace HubPlatform.Tests.EndToEnd.Integration;

/// <summary>
/// Hostile input sent to each service on its own port, as anyone who reaches it could: metrics, lineage,
/// search and the crawler on real Kestrel and real Postgres holding the sample. Every GET operation of each
/// service's own OpenAPI document, each parameter in turn given values no parameter may carry (NUL, invalid
/// UTF-8) and junk (control characters, numbers beyond int64 and double, odd dates, SQL), plus raw bytes no
/// client library would send. Never a 5xx; each refused value a 400 problem naming its parameter. (The
/// gateway's own fuzz, in GatewayTests, has stand-ins behind it and so never reaches Postgres.)
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class ServiceFuzzTests(ServiceFuzzTests.Services services, ITestOutputHelper output) : IClassFixture<ServiceFuzzTests.Services>
{
    /// <summary>
    /// Values no text parameter may carry, as sent: NUL; bytes that are no UTF-8 (a lone byte, a bad
    /// continuation, a truncated sequence, a UTF-16 surrogate, an overlong '/', a code point beyond U+10FFFF).
    /// </summary>
    public static readonly string[] Refused = ["%00", "phi%00-2", "%FF", "%C3%28", "%E2%82", "%ED%A0%80", "%C0%AF", "%F4%90%80%80"];

    /// <summary>Other hostile values, as sent: any answer but a 5xx.</summary>
    public static readonly string[] Junk =
    [
        "%01%02%1F", "%7F", "%0D%0A", "%09x", "%C2%85", "%E2%80%AE", "%EF%BF%BD", "%F0%9F%98%80", "%25", "%", "%G1", "%20", "",
        "99999999999999999999999", "9223372036854775808", "-9223372036854775809", "2147483648", "-2147483649", "1e309", "-1e309",
        "-0", "0x10", "1.5", "NaN", "Infinity", "%D9%A3", "9999-12-31T23:59:59Z", "0001-01-01", "2024-13-45", "%2B275760-09-13",
        "'%3B%20DROP%20TABLE%20x%3B--", "%22%20OR%201%3D1", "..%2F..%2Fetc%2Fpasswd", "a%2Fb%2Fc%2Fd", new string('a', 3000),
    ];

    [Fact]
    public async Task Every_GET_of_every_service_answers_hostile_input_with_a_4xx_never_a_5xx()
    {
        var calls = 0;
        foreach (var (service, address) in services.Addresses)
        {
            using var http = new HttpClient { BaseAddress = address };
            http.WithAdminKey(); // the crawler's admin GET too
            var operations = await OperationsAsync(http);
            Assert.True(operations.Count >= 2, $"{service}: only {operations.Count} GET operations");
            foreach (var (path, parameters) in operations)
            {
                foreach (var parameter in parameters)
                {
                    foreach (var value in Refused)
                    {
                        var (url, status, body, mediaType) = await GetAsync(http, path, parameters, parameter, value);
                        calls++;
                        // A typed route ({snapshotId:guid}) does not match such text at all: its 404 is fine.
                        if (parameter.In == "path" && parameter.Typed)
                        {
                            Assert.True(status < 500, $"{service} GET {url} answered {status}: {Head(body)}");
                            continue;
                        }
                        Assert.True(status == 400, $"{service} GET {url} answered {status}, not 400: {Head(body)}");
                        // Kestrel itself refuses a NUL in the path, before any middleware, with an empty 400.
                        if (body.Length > 0 || parameter.In == "query")
                        {
                            Assert.Equal("application/problem+json", mediaType);
                            Assert.Equal(parameter.Name, JsonDocument.Parse(body).RootElement.GetProperty("parameter").GetString());
                        }
                    }
                    foreach (var value in Junk)
                    {
                        var (url, status, body, mediaType) = await GetAsync(http, path, parameters, parameter, value);
                        calls++;
                        Assert.True(status < 500, $"{service} GET {url} answered {status}: {Head(body)}");
                        Assert.DoesNotContain("   at ", body);
                        Assert.True(status < 400 || body.Length == 0 || mediaType == "application/problem+json",
                            $"{service} GET {url} answered {status} as {mediaType}: {Head(body)}");
                    }
                }
            }
        }
        output.WriteLine($"{calls} calls");
        Assert.True(calls > 1000, $"only {calls} calls");
    }

    [Fact]
    public async Task Raw_bytes_in_the_request_line_never_get_a_5xx()
    {
        // What no HTTP library sends: NUL, a lone 0xFF, a bad sequence and control bytes, raw in the path and the query.
        byte[][] hostile = [[0x00], [0xFF], [0xC3, 0x28], [0xED, 0xA0, 0x80], [0x01, 0x1F, 0x7F], [0xC3, 0xA9]];
        string[] targets = ["/api/models/microsoft/{}", "/api/search?q={}", "/api/lineage/{}", "/api/organizations?search={}", "/api/crawls/{}"];
        foreach (var (service, address) in services.Addresses)
        {
            foreach (var target in targets)
            {
                foreach (var bytes in hostile)
                {
                    var status = await RawGetAsync(address, target, bytes);
                    Assert.True(status is >= 400 and < 500 or 200, $"{service}: {target} with {Convert.ToHexString(bytes)} answered {status}");
                }
            }
        }
    }

    /// <summary>The status of a GET whose request line has <paramref name="hostile"/> bytes where <paramref name="target"/> says {}.</summary>
    public static async Task<int> RawGetAsync(Uri address, string target, byte[] hostile)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        var stream = tcp.GetStream();
        var parts = target.Split("{}");
        byte[] request = [.. Encoding.ASCII.GetBytes("GET " + parts[0]), .. hostile,
            .. Encoding.ASCII.GetBytes(
                parts[1] + $" HTTP/1.1\r\nHost: {address.Authority}\r\nX-Api-Key: {TestAdminKey.Value}\r\nConnection: close\r\n\r\n")];
        await stream.WriteAsync(request);
        var answer = await new StreamReader(stream, Encoding.Latin1).ReadToEndAsync();
        // "HTTP/1.1 400 Bad Request"
        return int.Parse(answer.Split(' ')[1], CultureInfo.InvariantCulture);
    }

    private sealed record Parameter(string Name, string In, bool Typed, bool Required, string Example);

    private static async Task<List<(string Path, Parameter[] Parameters)>> OperationsAsync(HttpClient http)
    {
        var document = await http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        return document.GetProperty("paths").EnumerateObject()
            .Where(p => p.Value.TryGetProperty("get", out _))
            .Select(p => (p.Name, (p.Value.GetProperty("get").TryGetProperty("parameters", out var ps) ? ps.EnumerateArray().ToArray() : [])
                .Select(Describe).ToArray()))
            .ToList();
    }

    private static Parameter Describe(JsonElement parameter)
    {
        var schema = parameter.GetProperty("schema");
        var type = schema.TryGetProperty("type", out var t) ? t.ToString() : "";
        var format = schema.TryGetProperty("format", out var f) ? f.GetString() : null;
        var example = parameter.TryGetProperty("example", out var e) && e.ValueKind != JsonValueKind.Null ? e.ToString() : "x";
        return new(parameter.GetProperty("name").GetString()!, parameter.GetProperty("in").GetString()!,
            format == "uuid" || type.Contains("integer", StringComparison.Ordinal) || type.Contains("number", StringComparison.Ordinal),
            parameter.TryGetProperty("required", out var r) && r.GetBoolean(), example);
    }

    /// <summary>
    /// GET <paramref name="path"/> with <paramref name="target"/> set to <paramref name="value"/> (sent as is) and the other path
    /// and required parameters to their examples, so the value gets as far as it can (a search without q stops at the check of q).
    /// </summary>
    private static async Task<(string Url, int Status, string Body, string? MediaType)> GetAsync(
        HttpClient http, string path, Parameter[] parameters, Parameter target, string value)
    {
        var url = path;
        foreach (var parameter in parameters.Where(p => p.In == "path"))
        {
            var segment = parameter == target ? (value.Length == 0 ? "x" : value) : Uri.EscapeDataString(parameter.Example).Replace("%2F", "/");
            url = url.Replace("{" + parameter.Name + "}", segment);
        }
        var query = parameters.Where(p => p.In == "query" && (p == target || p.Required))
            .Select(p => $"{p.Name}={(p == target ? value : Uri.EscapeDataString(p.Example))}");
        url += "?" + string.Join('&', query);
        using var response = await http.GetAsync(new Uri(url, UriKind.Relative));
        return (url, (int)response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.MediaType);
    }

    private static string Head(string body) => body[..Math.Min(body.Length, 300)];

    /// <summary>Metrics, lineage and search fed the sample, and a crawler, each on its own Kestrel port.</summary>
    public sealed class Services : IAsyncLifetime
    {
        private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);
        private readonly PlatformDatabase _database = new();
        private readonly Rabbit _rabbit = new();
        private readonly string _vhost = "fuzz-" + Guid.NewGuid().ToString("N")[..8];
        private readonly List<IAsyncDisposable> _hosts = [];
        private IBusControl _bus = null!;

        public List<(string Service, Uri Address)> Addresses { get; } = [];

        public async Task InitializeAsync()
        {
            await _database.CreateAsync();
            await _rabbit.CreateVirtualHostAsync(_vhost);
            var metrics = Start(new ServiceHost<MetricsDbContext>("metrics", _database, _vhost));
            var lineage = Start(new ServiceHost<LineageDbContext>("lineage", _database, _vhost));
            var search = Start(new ServiceHost<SearchDbContext>("search", _database, _vhost));
            // The crawler's API only: no crawl, no Hub behind it.
            Start(new ServiceHost<CrawlerDbContext>("crawler", _database, _vhost, new Dictionary<string, string?>
            {
                ["HF_ENDPOINT"] = "http://127.0.0.1:9",
                ["Crawler:CrawlOnStartup"] = "false",
                ["Crawler:IncrementalCrawlCron"] = "",
                ["Crawler:FetchCards"] = "false",
                [Microsoft.Extensions.Hosting.AdminKey.Setting] = TestAdminKey.Value,
            }));

            _bus = Bus.Factory.CreateUsingRabbitMq(rabbit => rabbit.Host(new Uri(TestServers.MessagingFor(_vhost))));
            await _bus.StartAsync();
            var observedAt = DateTimeOffset.UtcNow;
            var snapshot = Guid.CreateVersion7(observedAt);
            var pages = ConsumersFixture.SamplePages;
            await _bus.Publish(new SnapshotStarted(snapshot, CrawlKind.Full, observedAt, "test"));
            for (var i = 0; i < pages.Count; i++)
            {
                await _bus.Publish(new ModelsObserved(snapshot, i + 1, observedAt, pages[i]));
            }
            await _bus.Publish(new SnapshotCompleted(snapshot, CrawlKind.Full, observedAt, observedAt, pages.Count, pages.Sum(p => p.Length), 0, 0, 0,
                pages.Count));

            // Every text parameter must reach the queries it feeds: the data they read is there.
            await Eventually.GetAsync(() => Json(metrics, $"/api/snapshots/{snapshot}"),
                s => s!.Value.GetProperty("ingestedModels").GetInt64() == SampleData.SampleModels.Count, Patience, "metrics to ingest the sample");
            await Eventually.GetAsync(() => Json(lineage, "/api/lineage/leaderboard?k=1"), l => l!.Value.GetArrayLength() == 1, Patience,
                "the lineage rollup");
            await Eventually.GetAsync(() => Json(search, "/api/search/status"),
                s => s!.Value.GetProperty("models").GetInt64() == SampleData.SampleModels.Count
                    && s.Value.GetProperty("embeddingBacklog").GetInt64() == 0
                     && s.Value.GetProperty("indexedVectors").GetInt64() > 0,
                Patience, "search to embed and index the sample");
        }

        private Uri Start<T>(ServiceHost<T> host) where T : class
        {
            host.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
            host.StartServer();
            _hosts.Add(host);
            var address = new Uri(host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
            Addresses.Add((typeof(T).Name.Replace("DbContext", "").ToLowerInvariant(), address));
            return address;
        }

        private static async Task<JsonElement?> Json(Uri service, string path)
        {
            using var http = new HttpClient { BaseAddress = service };
            using var response = await http.GetAsync(path);
            return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : null;
        }

        public async Task DisposeAsync()
        {
            await _bus.StopAsync();
            foreach (var host in _hosts)
            {
                await host.DisposeAsync();
            }
            await _rabbit.DeleteVirtualHostAsync(_vhost);
            _rabbit.Dispose();
            await _database.DropAsync();
        }
    }
}
