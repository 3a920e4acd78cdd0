using HubPlatform.Contracts;
using HubPlatform.Metrics.Infrastructure;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Metrics.IntegrationEvents;

/// <summary>Marks models that a full snapshot no longer saw; their history stays for trends.</summary>
public sealed class ReposRemovedConsumer(MetricsDbContext db) : IConsumer<ReposRemoved>
{
    public async Task Consume(ConsumeContext<ReposRemoved> context)
    {
        var e = context.Message;
        if (e.RepoType != RepoType.Model)
        {
            return;
        }
        var ids = e.Ids.ToArray();
        await db.Database.ExecuteSqlAsync($"""
            UPDATE metrics.models SET removed_in_snapshot = {e.SnapshotId}
            WHERE id = ANY({ids}) AND last_observed_at < {e.ObservedAt}
            """, context.CancellationToken);
    }
}
