using HubPlatform.Contracts;
using HubPlatform.Crawler.Crawling;
using HubPlatform.Crawler.Hub;
using HubPlatform.Crawler.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Crawler.Apis;

public sealed record CrawlRequest(CrawlKind Kind = CrawlKind.Full);

public sealed record CrawlProgress(
    Guid SnapshotId, CrawlKind Kind, CrawlStatus Status, DateTimeOffset RequestedAt, DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt, int Pages, long Models, int FailedPages, double RateLimitWaitSeconds, string? LastError)
{
    public static CrawlProgress From(Crawl c) => new(c.Id, c.Kind, c.Status, c.RequestedAt, c.StartedAt, c.CompletedAt,
        c.Pages, c.Models, c.FailedPages, c.RateLimitWaitSeconds, c.LastError);
}

/// <summary>Crawls (snapshots) and their progress; starting one is an admin route behind the gateway's API key.</summary>
public static class CrawlsApi
{
    public static IEndpointRouteBuilder MapCrawlsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/crawls").WithTags("Crawls");
        api.MapGet("/", ListCrawls).WithName("ListCrawls").WithSummary("Recent crawls with their progress");
        api.MapGet("/{snapshotId:guid}", GetCrawl).WithName("GetCrawl").WithSummary("One crawl's progress");
        api.MapPost("/", StartCrawl).WithName("StartCrawl").WithSummary("Request a crawl (admin)");
        return app;
    }

    private static async Task<Ok<CrawlProgress[]>> ListCrawls(CrawlerDbContext db, CancellationToken ct) =>
        TypedResults.Ok((await db.Crawls.OrderByDescending(c => c.RequestedAt).Take(50).ToListAsync(ct)).Select(CrawlProgress.From).ToArray());

    private static async Task<Results<Ok<CrawlProgress>, ProblemHttpResult>> GetCrawl(Guid snapshotId, CrawlerDbContext db, CancellationToken ct) =>
        await db.Crawls.FindAsync([snapshotId], ct) is { } crawl
            ? TypedResults.Ok(CrawlProgress.From(crawl))
            : TypedResults.Problem(new ProblemDetails { Title = "Crawl not found", Status = 404, Detail = $"No crawl {snapshotId}." });

    private static async Task<Results<Accepted<CrawlProgress>, ProblemHttpResult>> StartCrawl(
        CrawlRequest? request, CrawlerDbContext db, HubOptions hub, TimeProvider time, CancellationToken ct)
    {
        var kind = request?.Kind ?? CrawlKind.Full;
        if (await db.Crawls.FirstOrDefaultAsync(c => c.Kind == kind && (c.Status == CrawlStatus.Pending || c.Status == CrawlStatus.Running), ct) is { } active)
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
        return TypedResults.Accepted($"/api/crawls/{crawl.Id}", CrawlProgress.From(crawl));
    }
}
