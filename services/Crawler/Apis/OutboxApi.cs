using HubPlatform.Crawler.Crawling;
using HubPlatform.Crawler.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Crawler.Apis;

/// <summary>An outbox row moved aside: what it was, how often and why it failed. <see cref="PayloadBytes"/> is its JSON's size.</summary>
public sealed record FailedEvent(long Id, Guid MessageId, string MessageType, DateTimeOffset CreatedAt, int Attempts, DateTimeOffset? FailedAt,
    string? LastError, long PayloadBytes);

public sealed record FailedEvents(long Total, FailedEvent[] Events);

public sealed record ReplayedEvents(int Replayed);

/// <summary>
/// Admin: the outbox rows the relay moved aside (see <see cref="OutboxRelay"/>) and their replay,
/// which puts them back in line with their tries reset. Under /api/admin, so the gateway
/// (/api/v1/admin/outbox/...) and the service both require the admin key.
/// </summary>
public static class OutboxApi
{
    public static IEndpointRouteBuilder MapOutboxApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/admin/outbox/failed").WithTags("Admin").RequireAdminKey();
        api.MapGet("/", ListFailed).WithName("ListFailedEvents")
            .WithSummary("Outbox events moved aside after repeated publish failures, oldest first, with their last error (admin)");
        api.MapPost("/{id:long}/replay", ReplayOne).WithName("ReplayFailedEvent")
            .WithSummary("Puts one moved-aside event back in the outbox's line (admin)");
        api.MapPost("/replay", ReplayAll).WithName("ReplayFailedEvents")
            .WithSummary("Puts every moved-aside event back in the outbox's line (admin)");
        return app;
    }

    private static async Task<Results<Ok<FailedEvents>, ProblemHttpResult>> ListFailed(CrawlerDbContext db, CancellationToken ct, int limit = 100)
    {
        if (limit is < 1 or > 1000)
        {
            return TypedResults.Problem(title: "Invalid limit", statusCode: 400, detail: "limit is 1..1000.");
        }
        var failed = db.Outbox.AsNoTracking().Where(r => r.FailedAt != null);
        var events = await failed.OrderBy(r => r.Id).Take(limit)
            .Select(r => new FailedEvent(r.Id, r.MessageId, r.MessageType, r.CreatedAt, r.Attempts, r.FailedAt, r.LastError, r.Payload.Length))
            .ToArrayAsync(ct);
        return TypedResults.Ok(new FailedEvents(await failed.LongCountAsync(ct), events));
    }

    private static async Task<Results<Ok<ReplayedEvents>, ProblemHttpResult>> ReplayOne(long id, CrawlerDbContext db, OutboxSignal signal,
        ILogger<OutboxRelay> logger, CancellationToken ct)
    {
        var replayed = await ResetAsync(db.Outbox.Where(r => r.Id == id && r.FailedAt != null), ct);
        if (replayed == 0)
        {
            return TypedResults.Problem(title: "No such failed event", statusCode: 404,
                detail: $"Outbox row {id} is not moved aside (sent, pending or unknown).");
        }
        logger.RowReplayed(id);
        signal.Notify();
        return TypedResults.Ok(new ReplayedEvents(replayed));
    }

    private static async Task<Ok<ReplayedEvents>> ReplayAll(CrawlerDbContext db, OutboxSignal signal, ILogger<OutboxRelay> logger,
        CancellationToken ct)
    {
        var replayed = await ResetAsync(db.Outbox.Where(r => r.FailedAt != null), ct);
        logger.RowsReplayed(replayed);
        signal.Notify();
        return TypedResults.Ok(new ReplayedEvents(replayed));
    }

    /// <summary>Back in line: pending again with its tries reset (the last error stays until it is sent or fails anew).</summary>
    private static Task<int> ResetAsync(IQueryable<OutboxMessage> rows, CancellationToken ct) =>
        rows.ExecuteUpdateAsync(s => s.SetProperty(r => r.FailedAt, (DateTimeOffset?)null).SetProperty(r => r.Attempts, 0), ct);
}
