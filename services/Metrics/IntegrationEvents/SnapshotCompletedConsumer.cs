using HubPlatform.Contracts;
using HubPlatform.Metrics.Infrastructure;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Metrics.IntegrationEvents;

/// <summary>Closes the snapshot and drops cached answers, which now describe an older hub.</summary>
public sealed class SnapshotCompletedConsumer(MetricsDbContext db, ResponseCache cache) : IConsumer<SnapshotCompleted>
{
    public async Task Consume(ConsumeContext<SnapshotCompleted> context)
    {
        var e = context.Message;
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO metrics.snapshots (id, kind, started_at, completed_at, models, failed_pages)
            VALUES ({e.SnapshotId}, {e.Kind.ToString()}, {e.StartedAt}, {e.CompletedAt}, {e.Models}, {e.FailedPages})
            ON CONFLICT (id) DO UPDATE SET completed_at = EXCLUDED.completed_at, models = EXCLUDED.models, failed_pages = EXCLUDED.failed_pages
            """, context.CancellationToken);
        await cache.InvalidateAllAsync();
    }
}
