using HubPlatform.Contracts;
using HubPlatform.Metrics.Infrastructure;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Metrics.IntegrationEvents;

/// <summary>Closes the snapshot; once all its pages are in, cached answers describe an older hub and are dropped.</summary>
public sealed class SnapshotCompletedConsumer(MetricsDbContext db, ResponseCache cache) : IConsumer<SnapshotCompleted>
{
    public async Task Consume(ConsumeContext<SnapshotCompleted> context)
    {
        var e = context.Message;
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO metrics.snapshots (id, kind, started_at, completed_at, models, failed_pages, expected_pages)
            VALUES ({e.SnapshotId}, {e.Kind.ToString()}, {e.StartedAt}, {e.CompletedAt}, {e.Models}, {e.FailedPages}, {e.ModelPages})
            ON CONFLICT (id) DO UPDATE SET completed_at = EXCLUDED.completed_at, models = EXCLUDED.models,
                failed_pages = EXCLUDED.failed_pages, expected_pages = EXCLUDED.expected_pages
            """, context.CancellationToken);
        if (await new SnapshotProgress(db, MetricsDbContext.Schema).IsFullyIngestedAsync(e.SnapshotId, context.CancellationToken))
        {
            await cache.InvalidateAllAsync();
            await context.Publish(new SnapshotIngested(e.SnapshotId, "metrics", DateTimeOffset.UtcNow));
        }
    }
}
