using HubPlatform.Contracts;
using HubPlatform.Lineage.Graph;
using HubPlatform.Lineage.Infrastructure;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Lineage.IntegrationEvents;

/// <summary>Records how many pages the snapshot announced; if they are all applied already, finishes it.</summary>
public sealed class SnapshotCompletedConsumer(LineageDbContext db, SnapshotIngestion ingestion) : IConsumer<SnapshotCompleted>
{
    public async Task Consume(ConsumeContext<SnapshotCompleted> context)
    {
        var e = context.Message;
        // Lineage reads model pages only, so those are the pages it waits for. A snapshot none of
        // whose pages came first is dated by its start.
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO lineage.snapshots AS s (id, observed_at, completed_at, expected_pages) VALUES ({e.SnapshotId}, {e.StartedAt},
                                                                                                       {e.CompletedAt}, {e.ModelPages})
            ON CONFLICT (id) DO UPDATE SET completed_at = EXCLUDED.completed_at, expected_pages = EXCLUDED.expected_pages,
                observed_at = coalesce(s.observed_at, EXCLUDED.observed_at)
            """, context.CancellationToken);
        await ingestion.FinishIfCompleteAsync(e.SnapshotId, context, context.CancellationToken);
    }
}
