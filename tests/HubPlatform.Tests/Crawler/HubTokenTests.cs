using System.Net;
using HubPlatform.Contracts;
using HubPlatform.Crawler.Hub;
using HubPlatform.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HubPlatform.Tests.Crawler;

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
            .AddSingleton(new HubOptions { Endpoint = new Uri("https://huggingface.co"), Token = Token, MaxAttemptsPerPage = 2, FirstBackoff = TimeSpan.FromMilliseconds(1) })
            .AddSingleton(new RateLimitPacer(TimeProvider.System));
        services.AddHttpClient<HubClient>((sp, http) => http.DefaultRequestHeaders.Authorization = new("Bearer", sp.GetRequiredService<HubOptions>().Token))
            .ConfigurePrimaryHttpMessageHandler(() => hub);
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

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                provider.Messages.Enqueue(formatter(state, exception) + " " + exception + " " + string.Join(' ', (state as IEnumerable<KeyValuePair<string, object?>>)?.Select(p => p.Value) ?? []));
        }
    }
}
