using HubPlatform.Contracts;
using HubPlatform.Metrics.Infrastructure;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Metrics.IntegrationEvents;

public sealed class SnapshotStartedConsumer(MetricsDbContext db) : IConsumer<SnapshotStarted>
{
    public async Task Consume(ConsumeContext<SnapshotStarted> context)
    {
        var e = context.Message;
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO metrics.snapshots (id, kind, started_at, models, datasets, spaces, failed_pages)
            VALUES ({e.SnapshotId}, {e.Kind.ToString()}, {e.StartedAt}, 0, 0, 0, 0)
            ON CONFLICT (id) DO NOTHING
            """, context.CancellationToken);
        // Pages may have come first and created some partitions already; the rest are made now, before the flood of pages.
        await SnapshotPartitions.EnsureAllAsync(db, e.SnapshotId, context.CancellationToken);
    }
}
