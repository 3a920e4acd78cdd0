using HubPlatform.Crawler.Hub;
using HubPlatform.Tests.Support;

namespace HubPlatform.Tests.Crawler.Unit;

public class RateLimitPacerTests
{
    [Theory]
    [InlineData("\"api\";r=999;t=300", 999, 300.0)]
    [InlineData("\"api\";r=0;t=12", 0, 12.0)]
    [InlineData("garbage", null, null)]
    public void Reads_the_hubs_RateLimit_header(string header, int? remaining, double? reset) =>
        Assert.Equal((remaining, reset), RateLimitPacer.Parse(header));

    [Theory]
    [InlineData("\"fixed window\";\"api\";q=1000;w=300", 1000, 300.0)]
    [InlineData("\"fixed window\";\"api\";q=0;w=300", null, null)]
    [InlineData("garbage", null, null)]
    public void Reads_the_hubs_RateLimit_Policy_header(string header, int? quota, double? window) =>
        Assert.Equal(quota is null ? null : new RateLimitPolicy(quota.Value, window!.Value), RateLimitPolicy.Parse(header));

    [Fact]
    public void Remembers_the_announced_policy()
    {
        var pacer = new RateLimitPacer(new ManualTime());
        var headers = Headers("\"api\";r=10;t=50");
        headers.TryAddWithoutValidation("RateLimit-Policy", "\"fixed window\";\"api\";q=1000;w=300");

        pacer.Observe(Listing, headers);

        Assert.Equal(new RateLimitPolicy(1000, 300), pacer.Policy);
        Assert.Equal(1000 / 300.0, pacer.Policy!.Value.RequestsPerSecond, 9);
    }

    [Fact]
    public async Task Spends_what_the_window_has_left_without_waiting()
    {
        var time = new ManualTime();
        var pacer = new RateLimitPacer(time);
        pacer.Observe(Listing, Headers("\"api\";r=1;t=50"));

        var wait = pacer.WaitTurnAsync(Listing, CancellationToken.None);

        Assert.True(wait.IsCompleted, "a request the window still has room for leaves at once");
        await wait;
        Assert.Equal(0, pacer.WaitedSeconds);
    }

    [Fact]
    public async Task Holds_requests_until_a_spent_window_resets()
    {
        var time = new ManualTime();
        var pacer = new RateLimitPacer(time);
        pacer.Observe(Listing, Headers("\"api\";r=0;t=50"));

        var wait = pacer.WaitTurnAsync(Listing, CancellationToken.None);
        Assert.False(wait.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(49.9));
        Assert.False(wait.IsCompleted, "no request goes out into the spent window (it would get a 429)");
        time.Advance(TimeSpan.FromSeconds(0.2));
        await wait;
        Assert.InRange(pacer.WaitedSeconds, 49.9, 50.1);

        pacer.Observe(Listing, Headers("\"api\";r=999;t=300"));
        Assert.True(pacer.WaitTurnAsync(Listing, CancellationToken.None).IsCompleted, "the new window's quota is spent at once again");
    }

    [Fact]
    public void A_spent_bucket_holds_only_its_own_requests()
    {
        var pacer = new RateLimitPacer(new ManualTime());
        pacer.Observe(Listing, Headers("\"api\";r=0;t=50"));

        Assert.False(pacer.WaitTurnAsync(new Uri(Hub, "/api/datasets?limit=1000"), CancellationToken.None).IsCompleted);
        Assert.True(pacer.WaitTurnAsync(new Uri(Hub, "/gpt2/raw/main/README.md"), CancellationToken.None).IsCompleted,
            "a card is a page, not an API call");
        Assert.True(pacer.WaitTurnAsync(new Uri(Hub, "/gpt2/resolve/main/config.json"), CancellationToken.None).IsCompleted);
    }

    private static readonly Uri Hub = new("https://huggingface.co");
    private static readonly Uri Listing = new(Hub, "/api/models?limit=1000");

    private static System.Net.Http.Headers.HttpResponseHeaders Headers(string rateLimit)
    {
        var response = new HttpResponseMessage();
        response.Headers.TryAddWithoutValidation("RateLimit", rateLimit);
        return response.Headers;
    }
}
