using System.Diagnostics;
using System.Threading.Channels;
using HubPlatform.Contracts;
using HubPlatform.Crawler.Infrastructure;

namespace HubPlatform.Crawler.Crawling;

/// <summary>
/// A stage between the read-ahead and the commits: records each models or datasets page's repos in the card
/// backlog (<see cref="CardBacklog.ListedAsync"/>) on a connection of its own, while the previous page's
/// transaction commits. Inside the page's transaction the backlog's upsert (a thousand rows and their three
/// index entries) was the longest part of the crawl's one serial step: at 1M models 90 of its 240 ms a page.
/// A page reaches its commit only once its repos are in the backlog, so a committed page's repos always are;
/// a crawler killed in between lists them again when it fetches the page again (the upsert is idempotent).
/// </summary>
public sealed class CardListingStage(IServiceScopeFactory scopes)
{
    public (ChannelReader<ListingPage> Pages, Task Listing) Start(Guid snapshot, ChannelReader<ListingPage> parsed, int lookAhead,
        CancellationToken cancellationToken)
    {
        var listed = Channel.CreateBounded<ListingPage>(
            new BoundedChannelOptions(Math.Max(1, lookAhead)) { SingleReader = true, SingleWriter = true });
        return (listed.Reader, Task.Run(async () =>
        {
            try
            {
                await ListAsync(snapshot, parsed, listed.Writer, cancellationToken);
            }
            finally
            {
                listed.Writer.TryComplete();
            }
        }, CancellationToken.None));
    }

    private async Task ListAsync(Guid snapshot, ChannelReader<ListingPage> parsed, ChannelWriter<ListingPage> listed,
        CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrawlerDbContext>();
        await foreach (var page in parsed.ReadAllAsync(cancellationToken))
        {
            var type = ListingReader.TypeOf(page.Phase);
            var clock = Stopwatch.StartNew();
            if (page.Event is not null && type is RepoType.Model or RepoType.Dataset)
            {
                await CardBacklog.ListedAsync(db, snapshot, type, page.Repos, cancellationToken);
            }
            await listed.WriteAsync(page with { CardSeconds = clock.Elapsed.TotalSeconds }, cancellationToken);
        }
    }
}
