using HubPlatform.Contracts;
using HubPlatform.Crawler.Crawling;
using HubPlatform.Crawler.Hub;
using HubPlatform.Crawler.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Crawler.Apis;

public sealed record CrawlRequest(CrawlKind Kind = CrawlKind.Full);

/// <summary>Pages committed per kind of event; <see cref="Total"/> is the crawl-wide page sequence so far.</summary>
public sealed record CrawlPages(int Total, int Models, int Datasets, int Spaces, int Organizations, int Cards, int Failed);

/// <summary>
/// A crawl as the API shows it: where it is (phase), what it saw so far, how long it waited for
/// the Hub's quota and, while running, an estimate of the time its listings have left.
/// <see cref="SnapshotAt"/> is the snapshot's time, on the Hub's clock (its <c>Date</c> header);
/// <see cref="HubClockSkewSeconds"/> how far that clock is from this machine's, with a
/// <see cref="HubClockWarning"/> beyond a minute. The other times are this machine's.
/// </summary>
public sealed record CrawlProgress(
    Guid SnapshotId, CrawlKind Kind, CrawlStatus Status, CrawlPhase Phase, DateTimeOffset RequestedAt, DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt, DateTimeOffset? ModifiedSince, int Pages, long Models, long Datasets, long Spaces, long Organizations,
    long Cards, int FailedPages, CrawlPages PagesByKind, double RateLimitWaitSeconds, long? ExpectedRepos, double? EtaSeconds, string? LastError,
    DateTimeOffset? SnapshotAt, double? HubClockSkewSeconds, string? HubClockWarning)
{
    public static CrawlProgress From(Crawl c, CrawlEta eta) => new(c.Id, c.Kind, c.Status, c.Phase, c.RequestedAt, c.StartedAt,
        c.CompletedAt, c.ModifiedSince, c.Pages, c.Models, c.Datasets, c.Spaces, c.Organizations, c.Cards, c.FailedPages,
        new CrawlPages(c.Pages, c.ModelPages, c.DatasetPages, c.SpacePages, c.OrganizationPages, c.CardPages, c.FailedPages),
        c.RateLimitWaitSeconds, c.ExpectedRepos,
        c.StartedAt is { } started ? eta.Estimate(c, started, 0)?.TotalSeconds : null, c.LastError,
        c.HubClockSkewSeconds is null ? null : c.HubStartedAt, c.HubClockSkewSeconds, c.HubClockWarning);
}

/// <summary>Crawls (snapshots) and their progress; starting one is an admin route: the gateway's API key, checked here too.</summary>
public static class CrawlsApi
{
    public static IEndpointRouteBuilder MapCrawlsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/crawls").WithTags("Crawls");
        api.MapGet("/", ListCrawls).WithName("ListCrawls").WithSummary("Recent crawls with their progress");
        api.MapGet("/cards", GetCardCoverage).WithName("GetCardCoverage")
            .WithSummary(
                "The card backlog: repos known, cards read (with a README or 404), cards due and the hours they need at the resolvers quota");
        api.MapGet("/{snapshotId:guid}", GetCrawl).WithName("GetCrawl").WithSummary("One crawl's progress");
        api.MapPost("/", StartCrawl).WithName("StartCrawl").WithSummary("Request a crawl (admin)").RequireAdminKey();
        return app;
    }

    private static async Task<Ok<CrawlProgress[]>> ListCrawls(CrawlerDbContext db, CrawlEta eta, CancellationToken ct) =>
        TypedResults.Ok((await db.Crawls.AsNoTracking().OrderByDescending(c => c.RequestedAt).Take(50).ToListAsync(ct))
            .Select(c => CrawlProgress.From(c, eta)).ToArray());

    private static async Task<Ok<CardCoverage>> GetCardCoverage(CardCoverageReader coverage, CancellationToken ct) =>
        TypedResults.Ok(await coverage.ReadAsync(ct));

    private static async Task<Results<Ok<CrawlProgress>, ProblemHttpResult>> GetCrawl(Guid snapshotId, CrawlerDbContext db, CrawlEta eta,
        CancellationToken ct) =>
        await db.Crawls.AsNoTracking().FirstOrDefaultAsync(c => c.Id == snapshotId, ct) is { } crawl
            ? TypedResults.Ok(CrawlProgress.From(crawl, eta))
            : TypedResults.Problem(new ProblemDetails { Title = "Crawl not found", Status = 404, Detail = $"No crawl {snapshotId}." });

    private static async Task<Results<Accepted<CrawlProgress>, ProblemHttpResult>> StartCrawl(
        CrawlRequest? request, CrawlerDbContext db, HubOptions hub, TimeProvider time, CrawlEta eta, CancellationToken ct)
    {
        var kind = request?.Kind ?? CrawlKind.Full;
        if (await db.Crawls.FirstOrDefaultAsync(
            c => c.Kind == kind && (c.Status == CrawlStatus.Pending || c.Status == CrawlStatus.Running), ct) is { } active)
        {
            return TypedResults.Problem(new ProblemDetails
            {
                Title = "A crawl of this kind is already under way",
                Status = 409,
                Detail = $"Crawl {active.Id} is {active.Status}.",
            });
        }
        var crawl = CrawlCoordinator.NewCrawl(kind, hub, time.GetUtcNow());
        db.Crawls.Add(crawl);
        await db.SaveChangesAsync(ct);
        return TypedResults.Accepted($"/api/crawls/{crawl.Id}", CrawlProgress.From(crawl, eta));
    }
}
