using System.Net;
using HubPlatform.Contracts;
using HubPlatform.Crawler.Hub;
using HubPlatform.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HubPlatform.Tests.Crawler.Unit;

/// <summary>HF_TOKEN goes to the Hub in the Authorization header and nowhere else: not in URLs, logs or errors.</summary>
public class HubTokenTests
{
    private const string Token = "hf_SecretTokenThatMustNotLeak123";

    /// <summary>Listings, author overviews and cards: every kind of request the crawler makes.</summary>
    public static TheoryData<string> Requests => ["listing", "overview", "card"];

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task The_token_is_sent_as_a_bearer_header_and_never_logged(string request)
    {
        var logs = new CapturingLoggerProvider();
        var hub = new RecordingHub();
        var services = new ServiceCollection()
            .AddLogging(l => l.AddProvider(logs).SetMinimumLevel(LogLevel.Trace))
            .AddSingleton(new HubOptions
            {
                Endpoint = new Uri("https://huggingface.co"), Token = Token, MaxAttemptsPerPage = 2,
                FirstBackoff = TimeSpan.FromMilliseconds(1)
            })
            .AddSingleton(new RateLimitPacer(TimeProvider.System));
        services.AddHttpClient<HubClient>().ConfigurePrimaryHttpMessageHandler(() => hub);
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<HubClient>();

        Func<Task> call = request switch
        {
            "listing" => () => client.GetPageAsync(client.FirstModelsPage(10), CancellationToken.None),
            "overview" => () => client.GetAuthorOverviewAsync("google", CancellationToken.None),
            _ => () => client.GetCardAsync(RepoType.Dataset, "cais/mmlu", CancellationToken.None),
        };
        var error = await Assert.ThrowsAsync<HubRequestFailedException>(call);

        Assert.All(hub.Authorizations, a => Assert.Equal($"Bearer {Token}", a));
        Assert.Equal(2, hub.Authorizations.Count);
        Assert.DoesNotContain(Token, error.Message);
        Assert.All(hub.Urls, u => Assert.DoesNotContain(Token, u));
        Assert.NotEmpty(logs.Messages);
        Assert.All(logs.Messages, m => Assert.DoesNotContain(Token, m));
    }

    [Fact]
    public async Task A_link_or_redirect_to_another_host_is_followed_without_the_token()
    {
        var hub = new RedirectingHub();
        var logs = new CapturingLoggerProvider();
        var client = new HubClient(new HttpClient(hub),
            new HubOptions { Endpoint = new Uri("https://huggingface.co"), Token = Token, MaxAttemptsPerPage = 1 },
            new RateLimitPacer(TimeProvider.System), new LoggerAdapter(logs.CreateLogger("hub")));

        using var first = await client.GetPageAsync(client.FirstModelsPage(10), CancellationToken.None);
        Assert.Equal("elsewhere.example", first.Next?.Host);
        using var second = await client.GetPageAsync(first.Next!, CancellationToken.None);
        await client.GetModelAsync("org/renamed", CancellationToken.None);

        Assert.Equal(4, hub.Requests.Count);
        Assert.All(hub.Requests, r => Assert.Equal(r.Host == "huggingface.co" ? $"Bearer {Token}" : null, r.Authorization));
        Assert.Equal(2, hub.Requests.Count(r => r.Host == "elsewhere.example"));
    }

    [Fact]
    public async Task A_Retry_After_or_RateLimit_reset_beyond_the_cap_is_capped_and_logged()
    {
        var logs = new CapturingLoggerProvider();
        var time = new ManualTime();
        var pacer = new RateLimitPacer(time) { MaxDefer = TimeSpan.FromMinutes(5) };
        var client = new HubClient(new HttpClient(new RecordingHub()),
            new HubOptions { Endpoint = new Uri("https://huggingface.co"), MaxRetryAfter = TimeSpan.FromMinutes(5) },
            pacer, new LoggerAdapter(logs.CreateLogger("hub")));

        using var tooLong = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        tooLong.Headers.RetryAfter = new(TimeSpan.FromDays(3));
        Assert.Equal(TimeSpan.FromMinutes(5), client.RetryAfter(tooLong));
        Assert.Contains(logs.Messages, m => m.Contains("259200", StringComparison.Ordinal));
        using var fair = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        fair.Headers.RetryAfter = new(TimeSpan.FromSeconds(30));
        Assert.Equal(TimeSpan.FromSeconds(30), client.RetryAfter(fair));

        // A spent window announced to reset in a day holds the bucket five minutes, not a day.
        var url = new Uri("https://huggingface.co/api/models");
        using var spent = new HttpResponseMessage(HttpStatusCode.OK);
        spent.Headers.TryAddWithoutValidation("RateLimit", "\"api\";r=0;t=86400");
        pacer.Observe(url, spent.Headers);
        _ = pacer.WaitTurnAsync(url, CancellationToken.None);
        Assert.InRange(pacer.WaitedSeconds, 1, 300);
    }

    /// <summary>Page 1 links to page 2 on another host; a model redirects to another host.</summary>
    private sealed class RedirectingHub : HttpMessageHandler
    {
        public List<(string Host, string? Authorization)> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var url = request.RequestUri!;
            Requests.Add((url.Host, request.Headers.Authorization?.ToString()));
            var response = url.AbsolutePath switch
            {
                "/api/models/org/renamed" when url.Host == "huggingface.co" => new HttpResponseMessage(HttpStatusCode.TemporaryRedirect)
                {
                    Headers = { Location = new Uri("https://elsewhere.example/api/models/org/renamed") },
                },
                "/api/models" when url.Host == "huggingface.co" => Page("<https://elsewhere.example/api/models?cursor=2>; rel=\"next\""),
                "/api/models" => Page(null),
                _ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{\"id\":\"org/renamed\"}") },
            };
            return Task.FromResult(response);
        }

        private static HttpResponseMessage Page(string? link)
        {
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("[]") };
            if (link is not null)
            {
                response.Headers.TryAddWithoutValidation("Link", link);
            }
            return response;
        }
    }

    private sealed class LoggerAdapter(ILogger inner) : ILogger<HubClient>
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            inner.Log(logLevel, eventId, state, exception, formatter);
    }

    private sealed class RecordingHub : HttpMessageHandler
    {
        public List<string?> Authorizations { get; } = [];
        public List<string> Urls { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Authorizations.Add(request.Headers.Authorization?.ToString());
            Urls.Add(request.RequestUri!.ToString());
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.BadGateway) { Content = new StringContent("upstream down") });
        }
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Messages { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingLoggerProvider provider) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
                Func<TState, Exception?, string> formatter) =>
                provider.Messages.Enqueue(formatter(state, exception) + " " + exception + " "
                    + string.Join(' ', (state as IEnumerable<KeyValuePair<string, object?>>)?.Select(p => p.Value) ?? []));
        }
    }
}
