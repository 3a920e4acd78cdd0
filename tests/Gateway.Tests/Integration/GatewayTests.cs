using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using HubPlatform.Gateway.Caching;
using HubPlatform.Tests.Support;

namespace HubPlatform.Tests.Gateway.Integration;

/// <summary>The gateway on its own (real Redis and RabbitMQ, no services behind it): its own rules.</summary>
[Collection(ServersCollection.Name)]
public sealed class GatewayTests : IAsyncLifetime
{
    private readonly PlatformDatabase _database = new();
    private readonly Rabbit _rabbit = new();
    private readonly string _vhost = "gateway-" + Guid.NewGuid().ToString("N")[..8];
    private ServiceHost<RedisOutputCacheStore> _gateway = null!;
    private WebApplication _metrics = null!;

    public async Task InitializeAsync()
    {
        await _rabbit.CreateVirtualHostAsync(_vhost);
        // A stand-in for the metrics service that echoes the path it was asked for.
        var echo = WebApplication.CreateSlimBuilder();
        echo.WebHost.UseUrls("http://127.0.0.1:0");
        _metrics = echo.Build();
        _metrics.MapGet("/{**path}", (HttpRequest request) => Results.Ok(new { path = request.Path.Value, query = request.QueryString.Value }));
        await _metrics.StartAsync();
        _gateway = new ServiceHost<RedisOutputCacheStore>("gateway", _database, _vhost, new Dictionary<string, string?>
        {
            ["Gateway:AdminApiKey"] = "the-key",
            ["Gateway:RateLimit:AnonymousPerMinute"] = "1000",
            ["Gateway:RateLimit:ApiKeyPerMinute"] = "5",
            ["Services:metrics:http:0"] = _metrics.Urls.Single(),
        });
    }

    [Fact]
    public async Task A_client_over_its_budget_gets_429_with_Retry_After_and_problem_details()
    {
        var http = _gateway.CreateClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", "the-key");
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 7; i++)
        {
            last = await http.GetAsync("/api/v1/crawls/00000000-0000-0000-0000-000000000000");
            statuses.Add(last.StatusCode);
        }
        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, statuses.Take(5));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        Assert.NotNull(last!.Headers.RetryAfter);
        Assert.Equal("application/problem+json", last.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_public_api_is_versioned_and_services_see_their_own_paths()
    {
        var http = _gateway.CreateClient();
        var echoed = await http.GetFromJsonAsync<JsonElement>("/api/v1/models/microsoft/phi-2?x=1");
        Assert.Equal("/api/models/microsoft/phi-2", echoed.GetProperty("path").GetString());
        Assert.Equal("?x=1", echoed.GetProperty("query").GetString());

        using var unversioned = await http.GetAsync("/api/models/microsoft/phi-2");
        Assert.Equal(HttpStatusCode.NotFound, unversioned.StatusCode);
        Assert.Equal("application/problem+json", unversioned.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Admin_routes_need_the_key()
    {
        var http = _gateway.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsync("/api/v1/crawls", null)).StatusCode);
        using var wrong = new HttpRequestMessage(HttpMethod.Post, "/api/v1/crawls");
        wrong.Headers.Add("X-Api-Key", "not-it");
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(wrong)).StatusCode);
    }

    [Fact]
    public async Task A_service_that_cannot_be_reached_is_a_503_problem_not_a_hang_and_headers_are_safe()
    {
        var response = await _gateway.CreateClient().GetAsync("/api/v1/lineage/microsoft/phi-2");
        Assert.Contains(response.StatusCode, new[] { HttpStatusCode.ServiceUnavailable, HttpStatusCode.GatewayTimeout });
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
    }

    [Fact]
    public async Task A_Redis_that_stops_answering_costs_the_cache_not_the_answer()
    {
        // Connected, then silent: Redis calls time out (RedisTimeoutException is a TimeoutException, not a
        // RedisException), which the store once did not catch: its "output cache miss" warning is the proof it did.
        await using var proxy = new TcpProxy("127.0.0.1", TestServers.RedisPort);
        var logs = new CapturedLogs();
        await using var gateway = new ServiceHost<RedisOutputCacheStore>("gateway", _database, _vhost, new Dictionary<string, string?>
        {
            ["ConnectionStrings:cache"] = $"127.0.0.1:{proxy.Port},asyncTimeout=300,syncTimeout=300",
            ["Services:metrics:http:0"] = _metrics.Urls.Single(),
        }, services => services.AddSingleton<ILoggerProvider>(logs));
        var http = gateway.CreateClient();
        using var warm = await http.GetAsync("/api/v1/models/microsoft/phi-2");
        Assert.Equal(HttpStatusCode.OK, warm.StatusCode);

        proxy.Stall();
        foreach (var url in new[] { "/api/v1/models/microsoft/phi-2", "/api/v1/models/google/gemma-7b", "/api/v1/summary" })
        {
            using var answer = await http.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }
        proxy.Resume();
        // The first answer above came from the replica's memory (TwoLevelOutputCacheStore); the other two met the
        // stalled Redis and went on without it.
        Assert.Contains(logs.Lines, l => l.Category == typeof(RedisOutputCacheStore).FullName
            && l.Message.Contains("output cache miss", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Fuzzed_paths_and_queries_never_get_a_500()
    {
        var random = new Random(7);
        const string alphabet = "abcXYZ019/%._-~'\";<>{}[]|\\^`$&+,=?#@!*() \u0001\u001f\u007f\u0085\u202e😀";
        // Pieces sent as they are: invalid UTF-8 and control bytes percent-encoded, numbers beyond int64 and double.
        // (No %00: the in-process client cannot put a NUL in a path at all; Kestrel refuses one itself, and the
        // query's NUL is the test below.)
        string[] encoded = ["%FF", "%C3%28", "%ED%A0%80", "%E2%82", "%01%1F", "%0D%0A", "99999999999999999999999", "1e309", "-0", "%25"];
        var http = _gateway.CreateClient();
        for (var i = 0; i < 300; i++)
        {
            var junk = new string(Enumerable.Range(0, random.Next(1, 60)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            var escaped = Uri.EscapeDataString(junk).Replace("%2F", "/").TrimStart('/');
            if (i % 2 == 1)
            {
                escaped = escaped.Insert(random.Next(escaped.Length + 1), encoded[random.Next(encoded.Length)]);
            }
            var prefix = new[] { "/api/v1/models/", "/api/v1/lineage/", "/api/v1/search?q=", "/api/v1/crawls/", "/", "/api/v1/" }[i % 6];
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(prefix + escaped, UriKind.Relative));
            using var response = await http.SendAsync(request);
            Assert.True((int)response.StatusCode < 500 || response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout,
                $"{request.RequestUri} answered {(int)response.StatusCode}");
            Assert.DoesNotContain("   at ", await response.Content.ReadAsStringAsync());
        }
    }

    /// <summary>
    /// Refused before any service is asked (the echo behind would answer 200). Invalid UTF-8 in a path shows only
    /// in the request line as sent, which Kestrel keeps and the in-process server does not: paths are checked in
    /// ServiceFuzzTests and the end-to-end fuzz, on Kestrel.
    /// </summary>
    [Theory]
    [InlineData("/api/v1/search?q=%00", "q")]
    [InlineData("/api/v1/search?k=10&q=chat%FF", "q")]
    [InlineData("/api/v1/modelverse/organizations?pipelineTag=%ED%A0%80", "pipelineTag")]
    [InlineData("/api/v1/models/microsoft/phi-2?x=%E2%82", "x")]
    public async Task NUL_and_invalid_UTF_8_are_refused_at_the_gateway_naming_the_parameter(string url, string parameter)
    {
        using var response = await _gateway.CreateClient().GetAsync(new Uri(url, UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(parameter, problem.GetProperty("parameter").GetString());
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _metrics.DisposeAsync();
        await _rabbit.DeleteVirtualHostAsync(_vhost);
        _rabbit.Dispose();
    }
}
