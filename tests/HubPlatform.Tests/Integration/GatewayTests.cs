using System.Net;
using HubPlatform.Gateway.Caching;
using HubPlatform.Tests.Support;

namespace HubPlatform.Tests.Integration;

/// <summary>The gateway on its own (real Redis and RabbitMQ, no services behind it): its own rules.</summary>
[Collection(ServersCollection.Name)]
public sealed class GatewayTests : IAsyncLifetime
{
    private readonly PlatformDatabase _database = new();
    private readonly Rabbit _rabbit = new();
    private readonly string _vhost = "gateway-" + Guid.NewGuid().ToString("N")[..8];
    private ServiceHost<RedisOutputCacheStore> _gateway = null!;

    public async Task InitializeAsync()
    {
        await _rabbit.CreateVirtualHostAsync(_vhost);
        _gateway = new ServiceHost<RedisOutputCacheStore>("gateway", _database, _vhost, new Dictionary<string, string?>
        {
            ["Gateway:AdminApiKey"] = "the-key",
            ["Gateway:RateLimit:AnonymousPerMinute"] = "1000",
            ["Gateway:RateLimit:ApiKeyPerMinute"] = "5",
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
            last = await http.GetAsync("/api/crawls/00000000-0000-0000-0000-000000000000");
            statuses.Add(last.StatusCode);
        }
        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, statuses.Take(5));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        Assert.NotNull(last!.Headers.RetryAfter);
        Assert.Equal("application/problem+json", last.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Admin_routes_need_the_key()
    {
        var http = _gateway.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsync("/api/crawls", null)).StatusCode);
        using var wrong = new HttpRequestMessage(HttpMethod.Post, "/api/crawls");
        wrong.Headers.Add("X-Api-Key", "not-it");
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(wrong)).StatusCode);
    }

    [Fact]
    public async Task A_service_that_cannot_be_reached_is_a_503_problem_not_a_hang_and_headers_are_safe()
    {
        var response = await _gateway.CreateClient().GetAsync("/api/models/microsoft/phi-2");
        Assert.Contains(response.StatusCode, new[] { HttpStatusCode.ServiceUnavailable, HttpStatusCode.GatewayTimeout });
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
    }

    [Fact]
    public async Task Fuzzed_paths_and_queries_never_get_a_500()
    {
        var random = new Random(7);
        const string alphabet = "abcXYZ019/%._-~'\";<>{}[]|\\^`$&+,=?#@!*() ";
        var http = _gateway.CreateClient();
        for (var i = 0; i < 200; i++)
        {
            var junk = new string(Enumerable.Range(0, random.Next(1, 60)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            var prefix = new[] { "/api/models/", "/api/lineage/", "/api/search?q=", "/api/crawls/", "/", "/api/" }[i % 6];
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(prefix + Uri.EscapeDataString(junk).Replace("%2F", "/").TrimStart('/'), UriKind.Relative));
            using var response = await http.SendAsync(request);
            Assert.True((int)response.StatusCode < 500 || response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout,
                $"{request.RequestUri} answered {(int)response.StatusCode}");
            Assert.DoesNotContain("   at ", await response.Content.ReadAsStringAsync());
        }
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _rabbit.DeleteVirtualHostAsync(_vhost);
        _rabbit.Dispose();
    }
}
