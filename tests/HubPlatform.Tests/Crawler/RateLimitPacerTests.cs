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
    public async Task Spreads_the_remaining_quota_over_the_window()
    {
        var time = new ManualTime();
        var pacer = new RateLimitPacer(time);
        using var response = new HttpResponseMessage();
        response.Headers.TryAddWithoutValidation("RateLimit", "\"api\";r=100;t=50");
        pacer.Observe(response.Headers);

        var wait = pacer.WaitTurnAsync(CancellationToken.None);
        Assert.False(wait.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(wait.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(2));
        await wait;
        Assert.InRange(pacer.WaitedSeconds, 0.49, 0.51);
    }
}
