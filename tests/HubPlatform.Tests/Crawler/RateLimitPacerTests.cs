using HubPlatform.Crawler.Hub;
using HubPlatform.Tests.Support;

namespace HubPlatform.Tests.Crawler;

public class RateLimitPacerTests
{
    [Theory]
    [InlineData("\"api\";r=999;t=300", 999, 300.0)]
    [InlineData("\"api\";r=0;t=12", 0, 12.0)]
    [InlineData("garbage", null, null)]
    public void Reads_the_hubs_RateLimit_header(string header, int? remaining, double? reset) =>
        Assert.Equal((remaining, reset), RateLimitPacer.Parse(header));

    [Fact]
    public async Task Spends_what_the_window_has_left_without_waiting()
    {
        var time = new ManualTime();
        var pacer = new RateLimitPacer(time);
        pacer.Observe(Headers("\"api\";r=1;t=50"));

        var wait = pacer.WaitTurnAsync(CancellationToken.None);

        Assert.True(wait.IsCompleted, "a request the window still has room for leaves at once");
        await wait;
        Assert.Equal(0, pacer.WaitedSeconds);
    }

    [Fact]
    public async Task Holds_requests_until_a_spent_window_resets()
    {
        var time = new ManualTime();
        var pacer = new RateLimitPacer(time);
        pacer.Observe(Headers("\"api\";r=0;t=50"));

        var wait = pacer.WaitTurnAsync(CancellationToken.None);
        Assert.False(wait.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(49.9));
        Assert.False(wait.IsCompleted, "no request goes out into the spent window (it would get a 429)");
        time.Advance(TimeSpan.FromSeconds(0.2));
        await wait;
        Assert.InRange(pacer.WaitedSeconds, 49.9, 50.1);

        pacer.Observe(Headers("\"api\";r=999;t=300"));
        Assert.True(pacer.WaitTurnAsync(CancellationToken.None).IsCompleted, "the new window's quota is spent at once again");
    }

    private static System.Net.Http.Headers.HttpResponseHeaders Headers(string rateLimit)
    {
        var response = new HttpResponseMessage();
        response.Headers.TryAddWithoutValidation("RateLimit", rateLimit);
        return response.Headers;
    }
}
