using HubPlatform.Contracts;
using HubPlatform.Ingestion;
using HubPlatform.Metrics.Dimensions;
using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Metrics.Infrastructure;

/// <summary>A page of datasets: dimensions (with derived domains and benchmark flag) and facts, keyed like models, so a replay changes
/// nothing.</summary>
public sealed class DatasetFactStore(MetricsDbContext db)
{
    private static string Joined(IEnumerable<string> values) => string.Join('\x1f', values);

    public async Task UpsertAsync(DatasetsObserved page, CancellationToken cancellationToken)
    {
        var d = page.Datasets;
        var ids = d.Select(x => x.Id).ToArray();
        var owners = d.Select(x => Authors.Of(x.Id, x.Author)).ToArray();
        await SnapshotPartitions.EnsureAsync(db, "dataset_facts", page.SnapshotId, cancellationToken);
        // Before the page's transaction, not in it: see Authors.RegisterAsync.
        await Authors.RegisterAsync(db, owners, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO metrics.datasets AS t (id, author, created_at, license, task_categories, modalities, size_category, domains,
                                               is_benchmark, languages, last_observed_at, removed_in_snapshot)
            SELECT u.id, u.author, u.created_at, u.license, string_to_array(u.task_categories, E'\x1f'), string_to_array(u.modalities, E'\x1f'),
                   u.size_category, string_to_array(u.domains, E'\x1f'), u.is_benchmark, string_to_array(u.languages, E'\x1f'), {page.ObservedAt},
                       NULL
            FROM unnest({ids}, {owners}, {d.Select(x => x.CreatedAt).ToArray()}, {d.Select(x => x.License).ToArray()},
                        {d.Select(x => Joined(x.TaskCategories)).ToArray()}, {d.Select(x => Joined(x.Modalities)).ToArray()},
                        {d.Select(x => x.SizeCategory).ToArray()}, {d.Select(x => Joined(DatasetDomains.Of(x))).ToArray()},
                        {d.Select(DatasetDomains.IsBenchmark).ToArray()}, {d.Select(x => Joined(x.Languages)).ToArray()})
                 AS u(id, author, created_at, license, task_categories, modalities, size_category, domains, is_benchmark, languages)
            ON CONFLICT (id) DO UPDATE SET
                author = EXCLUDED.author, created_at = EXCLUDED.created_at, license = EXCLUDED.license,
                task_categories = EXCLUDED.task_categories, modalities = EXCLUDED.modalities, size_category = EXCLUDED.size_category,
                domains = EXCLUDED.domains, is_benchmark = EXCLUDED.is_benchmark, languages = EXCLUDED.languages,
                last_observed_at = EXCLUDED.last_observed_at, removed_in_snapshot = NULL
            WHERE t.last_observed_at <= EXCLUDED.last_observed_at
            """, cancellationToken);
        await FactCopy.CopyAsync(db, "dataset_facts", "dataset_id", page.SnapshotId, page.ObservedAt,
            d.Select(x => new FactRow(x.Id, x.Downloads, x.DownloadsAllTime, x.Likes, x.TrendingScore)).ToList(), hasDownloads: true,
            cancellationToken);
        await new SnapshotProgress(db, MetricsDbContext.Schema).RecordPageAsync(page.SnapshotId, page.Page, d.Count, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
