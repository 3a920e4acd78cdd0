using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using HubPlatform.Contracts;
using HubPlatform.Crawler.Hub;
using HubPlatform.Crawler.Infrastructure;

namespace HubPlatform.Crawler.Crawling;

/// <summary>A parsed repo of any type, with what the later phases choose by.</summary>
public sealed record ListedRepo(object Observation, string Id, string Author, long Downloads, DateTimeOffset? CreatedAt, DateTimeOffset? LastModified,
    string? Sha);

/// <summary>
/// A listing page fetched and parsed ahead of its commit: where it came from, what it holds, its
/// event already serialized (null when it publishes none), and where the listing goes next.
/// <paramref name="ObservedAt"/> is on the Hub's clock: this machine's plus <paramref name="HubClockSkew"/>.
/// </summary>
public sealed record ListingPage(
    CrawlPhase Phase,
    string Url,
    int Number,
    DateTimeOffset ObservedAt,
    TimeSpan HubClockSkew,
    IReadOnlyList<ListedRepo> Repos,
    OutboxMessage? Event,
    string? MalformedReason,
    string? NextUrl,
    double FetchSeconds,
    double ParseSeconds)
{
    /// <summary>Time its repos took to reach the card backlog (<see cref="CardListingStage"/>).</summary>
    public double CardSeconds { get; init; }
}

/// <summary>
/// Reads the listings (models, then datasets, then spaces) ahead of the commits, in two stages that
/// overlap with each other and with <see cref="CrawlRunner"/>'s commits: one fetches page after
/// page (the next page's URL is in the Link header, so it never waits for parsing), the other
/// parses each page and serializes its event. Each stage runs at most
/// <see cref="CrawlerOptions.ListingLookAhead"/> pages ahead of the next. Nothing here touches the
/// database, so a crawler killed with pages read ahead loses only work: the checkpoint still names
/// the first page whose commit did not happen, and that page is fetched again. Requests still go
/// out only when <see cref="RateLimitPacer"/> says so. The phase walk mirrors the runner's, which
/// checks it page by page.
/// </summary>
public sealed class ListingReader(HubClient hub, CrawlerOptions options, TimeProvider time, ILogger logger)
{
    /// <summary>A page as fetched, waiting for the parsing stage.</summary>
    private sealed record FetchedPage(CrawlPhase Phase, string Url, int Number, HubPage Page, string? NextUrl, double FetchSeconds);

    /// <summary>
    /// The Hub's clock minus this machine's: the crawl's when it has one (a resumed crawl), else
    /// read off the first answer's <c>Date</c> header (none: the same clock). Every page of a crawl is
    /// stamped with the one skew, so the snapshot's times keep this machine's resolution and order.
    /// </summary>
    private TimeSpan? _hubClockSkew;

    /// <summary>
    /// Starts reading at the crawl's checkpoint (a listing phase and its next URL). The channel ends
    /// after the last listing page; a Hub that keeps refusing ends it early, and the returned task
    /// then fails with that error, after every page read before it was handed over.
    /// </summary>
    public (ChannelReader<ListingPage> Pages, Task Reading) Start(Crawl crawl, CancellationToken cancellationToken)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var fetched = Channel.CreateBounded<FetchedPage>(Bounded());
        var parsed = Channel.CreateBounded<ListingPage>(Bounded());
        var (snapshot, kind, since, phase, url, number) = (crawl.Id, crawl.Kind, crawl.ModifiedSince, crawl.Phase, crawl.NextUrl, crawl.Pages + 1);
        _hubClockSkew = crawl.HubClockSkew;
        var fetching = Task.Run(() => Finish(fetched.Writer, FetchAsync(kind, since, phase, url, number, fetched.Writer, stop.Token)),
            CancellationToken.None);
        var parsing = Task.Run(() => Finish(parsed.Writer, ParseAsync(snapshot, since, fetched.Reader, parsed.Writer, stop.Token)),
            CancellationToken.None);
        return (parsed.Reader, ReadingAsync(fetching, parsing, stop));
    }

    private BoundedChannelOptions Bounded() => new(Math.Max(1, options.ListingLookAhead)) { SingleReader = true, SingleWriter = true };

    private static async Task Finish<T>(ChannelWriter<T> writer, Task work)
    {
        try
        {
            await work;
        }
        finally
        {
            writer.TryComplete();
        }
    }

    /// <summary>The parsing stage ends after the fetching stage; a failed parse stops the fetching.</summary>
    private static async Task ReadingAsync(Task fetching, Task parsing, CancellationTokenSource stop)
    {
        using (stop)
        {
            try
            {
                await parsing;
            }
            catch
            {
                await stop.CancelAsync();
                try
                {
                    await fetching;
                }
                catch (Exception)
                {
                    // Cancelled by the failed parse, whose error is the one to report.
                }
                throw;
            }
            await fetching;
        }
    }

    private async Task FetchAsync(CrawlKind kind, DateTimeOffset? modifiedSince, CrawlPhase phase, string? url, int number,
        ChannelWriter<FetchedPage> pages, CancellationToken cancellationToken)
    {
        while (phase is CrawlPhase.Models or CrawlPhase.Datasets or CrawlPhase.Spaces)
        {
            if (url is null)
            {
                (phase, url) = NextPhase(phase, kind);
                continue;
            }
            var clock = Stopwatch.StartNew();
            var page = await hub.GetPageAsync(new Uri(url), cancellationToken);
            // Newest first: a repo older than the previous crawl means every later page was seen by it.
            var next = modifiedSince is { } since && page.Repos.Any(r => r.ValueKind == JsonValueKind.Object
                && HubJson.Date(r, "lastModified") < since)
                ? null
                : page.Next?.ToString();
            await pages.WriteAsync(new FetchedPage(phase, url, number, page, next, clock.Elapsed.TotalSeconds), cancellationToken);
            url = next;
            number++;
        }
    }

    private async Task ParseAsync(Guid snapshot, DateTimeOffset? modifiedSince, ChannelReader<FetchedPage> fetched, ChannelWriter<ListingPage> pages,
        CancellationToken cancellationToken)
    {
        await foreach (var fetchedPage in fetched.ReadAllAsync(cancellationToken))
        {
            ListingPage page;
            using (fetchedPage.Page)
            {
                page = Parse(snapshot, modifiedSince, fetchedPage);
            }
            await pages.WriteAsync(page, cancellationToken);
        }
    }

    /// <summary>The listing after <paramref name="phase"/> and its first page; past the spaces, none.</summary>
    public (CrawlPhase Phase, string? Url) NextPhase(CrawlPhase phase, CrawlKind kind)
    {
        var next = phase switch
        {
            CrawlPhase.Models => CrawlPhase.Datasets,
            CrawlPhase.Datasets => CrawlPhase.Spaces,
            _ => kind == CrawlKind.Full ? CrawlPhase.Organizations : CrawlPhase.Done,
        };
        return next is CrawlPhase.Datasets or CrawlPhase.Spaces
            ? (next, hub.FirstPage(TypeOf(next), options.PageSize, kind == CrawlKind.Incremental).ToString())
            : (next, null);
    }

    public static RepoType TypeOf(CrawlPhase phase) => phase switch
    {
        CrawlPhase.Models => RepoType.Model,
        CrawlPhase.Datasets => RepoType.Dataset,
        CrawlPhase.Spaces => RepoType.Space,
        _ => throw new InvalidOperationException($"{phase} is not a listing phase."),
    };

    private ListingPage Parse(Guid snapshot, DateTimeOffset? modifiedSince, FetchedPage fetched)
    {
        var type = TypeOf(fetched.Phase);
        var clock = Stopwatch.StartNew();
        var local = time.GetUtcNow();
        var skew = _hubClockSkew ??= fetched.Page.HubDate is { } hubDate ? hubDate - local : TimeSpan.Zero;
        var observedAt = local + skew;
        var repos = new List<ListedRepo>(fetched.Page.Repos.Length);
        foreach (var json in fetched.Page.Repos)
        {
            try
            {
                var repo = Parse(type, json);
                if (modifiedSince is { } since && repo.LastModified is { } modified && modified < since)
                {
                    continue; // Seen by an earlier crawl.
                }
                repos.Add(repo);
            }
            catch (Exception ex) when (ex is FormatException or InvalidOperationException or JsonException)
            {
                logger.RepoSkipped(ex, snapshot, type, fetched.Number);
            }
        }
        var message = fetched.Page.IsMalformed || repos.Count == 0 ? null : Event(snapshot, type, fetched.Number, observedAt, local, repos);
        return new ListingPage(fetched.Phase, fetched.Url, fetched.Number, observedAt, skew, repos, message, fetched.Page.MalformedReason,
            fetched.NextUrl, fetched.FetchSeconds, clock.Elapsed.TotalSeconds);
    }

    private static ListedRepo Parse(RepoType type, JsonElement json)
    {
        switch (type)
        {
            case RepoType.Model:
                var model = ModelParser.Parse(json);
                return new(model, model.Id, model.Author, model.Downloads, model.CreatedAt, model.LastModified, model.Sha);
            case RepoType.Dataset:
                var dataset = DatasetParser.Parse(json);
                return new(dataset, dataset.Id, dataset.Author, dataset.Downloads, dataset.CreatedAt, dataset.LastModified, dataset.Sha);
            default:
                // Spaces have no downloads; they rank authors by repo count only.
                var space = SpaceParser.Parse(json);
                return new(space, space.Id, space.Author, 0, space.CreatedAt, space.LastModified, space.Sha);
        }
    }

    /// <summary>
    /// The page's event, serialized here so the commit only writes bytes. The event is stamped on the
    /// Hub's clock (<paramref name="observedAt"/>), its outbox row on this machine's (<paramref name="local"/>), as every other row: the retention
    /// compares them.
    /// </summary>
    private static OutboxMessage Event(Guid snapshot, RepoType type, int page, DateTimeOffset observedAt, DateTimeOffset local,
        List<ListedRepo> repos)
    {
        T[] Observations<T>() => repos.Select(r => (T)r.Observation).ToArray();
        return type switch
        {
            RepoType.Model => Outbox.Message(new ModelsObserved(snapshot, page, observedAt, Observations<ModelObservation>()), local),
            RepoType.Dataset => Outbox.Message(new DatasetsObserved(snapshot, page, observedAt, Observations<DatasetObservation>()), local),
            _ => Outbox.Message(new SpacesObserved(snapshot, page, observedAt, Observations<SpaceObservation>()), local),
        };
    }
}
