using HubPlatform.Search.Embeddings;
using HubPlatform.Search.Pipeline;
using HubPlatform.Tests.Support;
using Microsoft.Extensions.Options;

namespace HubPlatform.Tests.Search.Unit;

public sealed class IngestActivityTests
{
    [Fact]
    public void Inference_waits_while_listing_pages_arrive_and_resumes_after_the_lull()
    {
        var time = new ManualTime();
        var activity = new IngestActivity(time, Options.Create(new EmbeddingOptions { IngestLull = TimeSpan.FromSeconds(3) }));
        Assert.False(activity.IsBusy);

        activity.PageStored();
        Assert.True(activity.IsBusy);
        time.Advance(TimeSpan.FromSeconds(2));
        activity.PageStored();
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(activity.IsBusy);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(activity.IsBusy);
    }

    [Fact]
    public void A_zero_lull_never_holds_inference()
    {
        var activity = new IngestActivity(new ManualTime(), Options.Create(new EmbeddingOptions { IngestLull = TimeSpan.Zero }));
        activity.PageStored();
        Assert.False(activity.IsBusy);
    }
}
