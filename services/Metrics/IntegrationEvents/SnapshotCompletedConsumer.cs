using HubPlatform.Contracts;
using HubPlatform.Metrics.Infrastructure;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Metrics.IntegrationEvents;

/// <summary>
/// Closes the snapshot. Metrics consumes models, datasets, spaces and author overviews, so it
/// expects the pages of those four kinds (cards are not its business).
/// </summary>
public sealed class SnapshotCompletedConsumer(MetricsDbContext db, SnapshotIngestion ingestion) : IConsumer<SnapshotCompleted>
{
    public async Task Consume(ConsumeContext<SnapshotCompleted> context)
    {
        var e = context.Message;
        var expected = e.ModelPages + e.DatasetPages + e.SpacePages + e.OrganizationPages;
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO metrics.snapshots (id, kind, started_at, completed_at, models, datasets, spaces, failed_pages, expected_pages)
            VALUES ({e.SnapshotId}, {e.Kind.ToString()}, {e.StartedAt}, {e.CompletedAt}, {e.Models}, {e.Datasets}, {e.Spaces}, {e.FailedPages},
                    {expected})
            ON CONFLICT (id) DO UPDATE SET completed_at = EXCLUDED.completed_at, models = EXCLUDED.models, datasets = EXCLUDED.datasets,
                spaces = EXCLUDED.spaces, failed_pages = EXCLUDED.failed_pages, expected_pages = EXCLUDED.expected_pages
            """, context.CancellationToken);
        await ingestion.AnnounceIfCompleteAsync(context, e.SnapshotId);
    }
}
