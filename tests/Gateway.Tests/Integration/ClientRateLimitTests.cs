using System.Globalization;
using System.Net;
using System.Text.Json;
using HubPlatform.Gateway.Caching;
using HubPlatform.Gateway.RateLimiting;
using HubPlatform.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace HubPlatform.Tests.Gateway.Integration;

/// <summary>
/// Whose budget a request spends at the gateway (real Redis and RabbitMQ): the peer's address unless it is
/// a trusted proxy, IPv6 clients by /64, and a budget that still holds while Redis is down. Requests are
/// made in-process with the connection's address set, so a test can be any client; none reaches a service
/// (a path no route serves: 404 once the limiter let it through).
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class ClientRateLimitTests : IAsyncLifetime
{
    private const int Budget = 3;
    private const string Probe = "/api/v1/rate-limit-probe";
    private readonly PlatformDatabase _database = new();
    private readonly Rabbit _rabbit = new();
    private readonly string _vhost = "rate-limit-" + Guid.NewGuid().ToString("N")[..8];
    // Addresses of this run only (budgets in Redis outlive a test by up to a minute); each test its own hosts in them.
    private readonly string _v4 = $"100.{64 + Random.Shared.Next(64)}.{Random.Shared.Next(256)}";
    private readonly string _v6 = $"2001:db8:{Random.Shared.Next(65536):x}";

    public Task InitializeAsync() => _rabbit.CreateVirtualHostAsync(_vhost);

    [Fact]
    public async Task X_Forwarded_For_from_an_untrusted_peer_is_ignored()
    {
        await using var gateway = Gateway();
        await FreshMinuteAsync();
        var peer = IPAddress.Parse($"{_v4}.1");
        // Each request names another client; with no trusted proxy configured all spend the peer's budget.
        var statuses = new List<int>();
        for (var i = 1; i <= Budget + 1; i++)
        {
            statuses.Add((await SendAsync(gateway, peer, forwardedFor: $"203.0.113.{i}")).Response.StatusCode);
        }
        Assert.Equal(new[] { 404, 404, 404, 429 }, statuses);
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_each_client_has_its_own_budget()
    {
        await using var gateway = Gateway(new() { ["Gateway:TrustedProxies"] = "10.0.0.1, 172.16.0.0/12" });
        await FreshMinuteAsync();
        var proxy = IPAddress.Parse("10.0.0.1");
        var first = $"{_v4}.11";
        var second = $"{_v4}.12";
        for (var i = 0; i < Budget; i++)
        {
            Assert.Equal(404, (await SendAsync(gateway, proxy, forwardedFor: first)).Response.StatusCode);
        }
        Assert.Equal(429, (await SendAsync(gateway, proxy, forwardedFor: first)).Response.StatusCode);
        // The other client, through the same proxy, and through a second proxy of a trusted network in a chain.
        Assert.Equal(404, (await SendAsync(gateway, proxy, forwardedFor: second)).Response.StatusCode);
        Assert.Equal(404, (await SendAsync(gateway, IPAddress.Parse("172.16.3.4"), forwardedFor: $"{second}, 10.0.0.1")).Response.StatusCode);
        // A client cannot name itself someone else by adding to the header: the proxy appends the address it saw.
        Assert.Equal(429, (await SendAsync(gateway, proxy, forwardedFor: $"{second}, {first}")).Response.StatusCode);
    }

    [Fact]
    public async Task IPv6_clients_share_a_budget_per_64_and_IPv4_mapped_addresses_are_IPv4()
    {
        await using var gateway = Gateway();
        await FreshMinuteAsync();
        var prefix = $"{_v6}:7";
        string[] sameSubnet = [$"{prefix}::1", $"{prefix}:ffff:ffff:ffff:fffe", $"{prefix}:1234:5678::9"];
        foreach (var address in sameSubnet)
        {
            Assert.Equal(404, (await SendAsync(gateway, IPAddress.Parse(address))).Response.StatusCode);
        }
        Assert.Equal(429, (await SendAsync(gateway, IPAddress.Parse($"{prefix}::abcd"))).Response.StatusCode);
        Assert.Equal(404, (await SendAsync(gateway, IPAddress.Parse($"{_v6}:8::1"))).Response.StatusCode);

        var v4 = $"{_v4}.21";
        for (var i = 0; i < Budget; i++)
        {
            Assert.Equal(404, (await SendAsync(gateway, IPAddress.Parse(v4))).Response.StatusCode);
        }
        Assert.Equal(429, (await SendAsync(gateway, IPAddress.Parse("::ffff:" + v4))).Response.StatusCode);
    }

    [Fact]
    public async Task With_Redis_down_a_client_over_its_budget_still_gets_429_with_Retry_After_and_problem_details()
    {
        var logs = new CapturedLogs();
        // Nothing listens on port 9 (discard) here: every Redis call fails at once.
        await using var gateway = Gateway(new() { ["ConnectionStrings:cache"] = "127.0.0.1:9,connectTimeout=200" }, logs);
        await FreshMinuteAsync();
        var client = IPAddress.Parse($"{_v4}.31");
        for (var i = 0; i < Budget; i++)
        {
            Assert.Equal(404, (await SendAsync(gateway, client)).Response.StatusCode);
        }
        var over = (await SendAsync(gateway, client)).Response;
        Assert.Equal(429, over.StatusCode);
        Assert.True(int.TryParse(over.Headers.RetryAfter, out var retryAfter) && retryAfter is > 0 and <= 60,
            $"Retry-After: {over.Headers.RetryAfter}");
        Assert.StartsWith("application/problem+json", over.ContentType);
        var problem = await JsonDocument.ParseAsync(over.Body);
        Assert.Equal("Too many requests", problem.RootElement.GetProperty("title").GetString());
        // Another client has its own budget here too.
        Assert.Equal(404, (await SendAsync(gateway, IPAddress.Parse($"{_v4}.32"))).Response.StatusCode);
        // The switch is logged once, not per request.
        Assert.Single(logs.Lines, l => l.Category == typeof(RateBudgets).FullName
            && l.Message.Contains("Redis unreachable", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Budgets_go_back_to_Redis_when_it_answers_again()
    {
        var redisPort = TestServers.RedisPort;
        await using var proxy = new TcpProxy("127.0.0.1", redisPort);
        var logs = new CapturedLogs();
        var database = Random.Shared.Next(16);
        await using var gateway = Gateway(
            new() { ["ConnectionStrings:cache"] = $"127.0.0.1:{proxy.Port},connectTimeout=500,defaultDatabase={database}" }, logs);
        await FreshMinuteAsync();
        var client = IPAddress.Parse($"{_v4}.41");
        Assert.Equal(404, (await SendAsync(gateway, client)).Response.StatusCode);

        proxy.Cut();
        for (var i = 0; i < Budget; i++)
        {
            await SendAsync(gateway, client);
        }
        // Counted in memory from the cut on: the one request spent in Redis is not known here.
        Assert.Equal(429, (await SendAsync(gateway, client)).Response.StatusCode);

        proxy.Restore();
        var other = IPAddress.Parse($"{_v4}.42");
        await Eventually.GetAsync(async () => { await SendAsync(gateway, other); return (bool?)Logged(logs, "Redis answers again"); },
            back => back == true, TimeSpan.FromSeconds(60), "the gateway to count in Redis again");
        await using var direct = await ConnectionMultiplexer.ConnectAsync($"{TestServers.Redis},defaultDatabase={database}");
        Assert.NotEmpty(direct.GetServer("127.0.0.1", redisPort).Keys(database, $"gateway:rate:ip:{other}:*"));
        Assert.Single(logs.Lines, l => l.Message.Contains("Redis unreachable", StringComparison.Ordinal));
        Assert.Single(logs.Lines, l => l.Message.Contains("Redis answers again", StringComparison.Ordinal));
    }

    /// <summary>
    /// Two replicas spending one client's budget in batches of 10 (10 % of 100): together never more than the budget, and
    /// refused early by at most what the other replica took and had not spent (less than 1.5 batches).
    /// </summary>
    [Fact]
    public async Task Two_replicas_sharing_Redis_never_let_a_client_through_more_than_its_budget()
    {
        var shared = new Dictionary<string, string?>
        {
            ["Gateway:RateLimit:AnonymousPerMinute"] = "100",
            ["Gateway:RateLimit:ReservePercent"] = "10",
        };
        await using var first = Gateway(shared);
        await using var second = Gateway(shared);
        await FreshMinuteAsync();
        var client = IPAddress.Parse($"{_v4}.51");
        var statuses = await Task.WhenAll(Enumerable.Range(0, 4).Select(async worker =>
        {
            var mine = new List<int>();
            for (var i = 0; i < 40; i++)
            {
                mine.Add((await SendAsync((worker + i) % 2 == 0 ? first : second, client)).Response.StatusCode);
            }
            return mine;
        }));
        var let = statuses.SelectMany(s => s).Count(status => status == 404);
        Assert.All(statuses.SelectMany(s => s), status => Assert.True(status is 404 or 429, $"status {status}"));
        Assert.InRange(let, 100 - 15, 100);
    }

    [Fact]
    public async Task A_replica_takes_its_budget_from_Redis_a_batch_at_a_time_not_a_request_at_a_time()
    {
        await using var gateway = Gateway(new() { ["Gateway:RateLimit:AnonymousPerMinute"] = "1000", ["Gateway:RateLimit:ReservePercent"] = "10" });
        await FreshMinuteAsync();
        var client = IPAddress.Parse($"{_v4}.61");
        for (var i = 0; i < 30; i++)
        {
            var answer = (await SendAsync(gateway, client)).Response;
            Assert.Equal(404, answer.StatusCode);
            Assert.Contains($"r={1000 - i - 1};", answer.Headers["RateLimit"].ToString(), StringComparison.Ordinal);
        }
        var redis = gateway.Services.GetRequiredService<IConnectionMultiplexer>();
        var window = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60;
        var taken = (long)await redis.GetDatabase().StringGetAsync($"gateway:rate:ip:{client}:{window}");
        // Thirty requests, and the shared counter moved in batches of 100 (one, or two with the next taken ahead).
        Assert.Contains(taken, new long[] { 100, 200 });
    }

    private static bool Logged(CapturedLogs logs, string text) => logs.Lines.Any(l => l.Message.Contains(text, StringComparison.Ordinal));

    private ServiceHost<RedisOutputCacheStore> Gateway(Dictionary<string, string?>? settings = null, CapturedLogs? logs = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["Gateway:AdminApiKey"] = "the-key",
            ["Gateway:RateLimit:AnonymousPerMinute"] = Budget.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }
        return new ServiceHost<RedisOutputCacheStore>("gateway", _database, _vhost, all,
            logs is null ? null : services => services.AddSingleton<ILoggerProvider>(logs));
    }

    /// <summary>One GET of the probe path from <paramref name="peer"/> (the TCP peer), with an X-Forwarded-For when given.</summary>
    private static Task<HttpContext> SendAsync(ServiceHost<RedisOutputCacheStore> gateway, IPAddress peer, string? forwardedFor = null) =>
        gateway.Server.SendAsync(context =>
        {
            context.Request.Method = HttpMethods.Get;
            context.Request.Path = Probe;
            context.Connection.RemoteIpAddress = peer;
            if (forwardedFor is not null)
            {
                context.Request.Headers["X-Forwarded-For"] = forwardedFor;
            }
        });

    /// <summary>Budgets are per clock minute: a test starts with enough of its minute left not to see it reset.</summary>
    private static async Task FreshMinuteAsync()
    {
        var second = DateTimeOffset.UtcNow.Second;
        if (second > 40)
        {
            await Task.Delay(TimeSpan.FromSeconds(61 - second));
        }
    }

    public async Task DisposeAsync()
    {
        await _rabbit.DeleteVirtualHostAsync(_vhost);
        _rabbit.Dispose();
    }
}
