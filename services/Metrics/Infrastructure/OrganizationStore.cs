using HubPlatform.Contracts;
using HubPlatform.Ingestion;
using HubPlatform.Metrics.Dimensions;
using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Metrics.Infrastructure;

/// <summary>
/// Author overviews: they complete the author rows and re-classify the org type with what the Hub says about the author (a trigger
/// stamps each change, and snapshots built before it correct their org-type totals for it: <see cref="OrgTypeTotals"/>).
/// </summary>
public sealed class OrganizationStore(MetricsDbContext db)
{
    public async Task UpsertAsync(OrganizationsObserved page, CancellationToken cancellationToken)
    {
        var a = page.Authors.DistinctBy(x => x.Name, StringComparer.Ordinal).OrderBy(x => x.Name, StringComparer.Ordinal).ToArray();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // The lock the trigger stamping a change of org type takes (OrgTypeTotals), taken before this page locks any row: taken
        // there, a page waiting for a snapshot's build while holding rows another page waits for would close a cycle.
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock_shared({OrgTypeTotals.LockKey})", cancellationToken);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO metrics.organizations AS t (name, type, fullname, is_verified, is_enterprise, num_followers, num_users, details,
                                                    org_type, provider_group, overview_observed_at)
            SELECT u.name, u.type, u.fullname, u.is_verified, u.is_enterprise, u.num_followers, u.num_users, u.details,
                   u.org_type, u.provider_group, {page.ObservedAt}
            FROM unnest({a.Select(x => x.Name).ToArray()}, {a.Select(x => x.Type).ToArray()}, {a.Select(x => x.Fullname).ToArray()},
                        {a.Select(x => x.IsVerified).ToArray()}, {a.Select(x => x.IsEnterprise).ToArray()},
                        {a.Select(x => x.NumFollowers).ToArray()}, {a.Select(x => x.NumUsers).ToArray()}, {a.Select(x => x.Details).ToArray()},
                        {a.Select(x => OrgTypes.Classify(x.Name, x)).ToArray()}, {a.Select(x => ProviderGroups.Of(x.Name)).ToArray()})
                 AS u(name, type, fullname, is_verified, is_enterprise, num_followers, num_users, details, org_type, provider_group)
            ON CONFLICT (name) DO UPDATE SET
                type = EXCLUDED.type, fullname = EXCLUDED.fullname, is_verified = EXCLUDED.is_verified, is_enterprise = EXCLUDED.is_enterprise,
                num_followers = EXCLUDED.num_followers, num_users = EXCLUDED.num_users, details = EXCLUDED.details,
                org_type = EXCLUDED.org_type, provider_group = EXCLUDED.provider_group, overview_observed_at = EXCLUDED.overview_observed_at
            WHERE t.overview_observed_at IS NULL OR t.overview_observed_at <= EXCLUDED.overview_observed_at
            """, cancellationToken);
        await new SnapshotProgress(db, MetricsDbContext.Schema).RecordPageAsync(page.SnapshotId, page.Page, a.Length, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
