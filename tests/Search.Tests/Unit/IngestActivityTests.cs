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

    [Fact]
    public void A_running_crawl_holds_inference_between_its_pages_until_it_completes()
    {
        var time = new ManualTime();
        var activity = new IngestActivity(time,
            Options.Create(new EmbeddingOptions { IngestLull = TimeSpan.FromSeconds(3), CrawlSilence = TimeSpan.FromMinutes(30) }));
        var crawl = Guid.NewGuid();

        activity.CrawlStarted(crawl);
        activity.PageStored();
        // The Spaces phase: no page search stores for minutes, yet the crawl goes on.
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.True(activity.IsBusy);

        activity.CrawlCompleted(crawl);
        Assert.False(activity.IsBusy);
        // A redelivered start of a completed crawl holds nothing.
        activity.CrawlStarted(crawl);
        Assert.False(activity.IsBusy);
    }

    [Fact]
    public void A_crawl_that_never_completes_holds_inference_only_for_the_silence_after_its_last_page()
    {
        var time = new ManualTime();
        var activity = new IngestActivity(time,
            Options.Create(new EmbeddingOptions { IngestLull = TimeSpan.FromSeconds(3), CrawlSilence = TimeSpan.FromMinutes(30) }));

        activity.CrawlStarted(Guid.NewGuid());
        activity.PageStored();
        time.Advance(TimeSpan.FromMinutes(29));
        Assert.True(activity.IsBusy);
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.False(activity.IsBusy);
    }
}
