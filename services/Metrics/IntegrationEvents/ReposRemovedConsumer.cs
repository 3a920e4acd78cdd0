using HubPlatform.Contracts;
using HubPlatform.Metrics.Infrastructure;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Metrics.IntegrationEvents;

/// <summary>Marks repos that a full snapshot no longer saw; their history stays for trends.</summary>
public sealed class ReposRemovedConsumer(MetricsDbContext db) : IConsumer<ReposRemoved>
{
    public async Task Consume(ConsumeContext<ReposRemoved> context)
    {
        var e = context.Message;
        var ids = e.Ids.ToArray();
        var ct = context.CancellationToken;
        switch (e.RepoType)
        {
            case RepoType.Model:
                await db.Database.ExecuteSqlAsync($"""
                    UPDATE metrics.models SET removed_in_snapshot = {e.SnapshotId} WHERE id = ANY({ids}) AND last_observed_at < {e.ObservedAt}
                    """, ct);
                break;
            case RepoType.Dataset:
                await db.Database.ExecuteSqlAsync($"""
                    UPDATE metrics.datasets SET removed_in_snapshot = {e.SnapshotId} WHERE id = ANY({ids}) AND last_observed_at < {e.ObservedAt}
                    """, ct);
                break;
            case RepoType.Space:
                await db.Database.ExecuteSqlAsync($"""
                    UPDATE metrics.spaces SET removed_in_snapshot = {e.SnapshotId} WHERE id = ANY({ids}) AND last_observed_at < {e.ObservedAt}
                    """, ct);
                break;
        }
    }
}
