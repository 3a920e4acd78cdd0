using HubPlatform.Metrics.Dimensions;
using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Metrics.Infrastructure;

/// <summary>The organization a repo belongs to, and the author rows every repo page registers.</summary>
public static class Authors
{
    /// <summary>The namespace of the repo id (the Hub's owner); the author field only for ids without one.</summary>
    public static string Of(string id, string? author) => id.IndexOf('/') is > 0 and var slash ? id[..slash] : author ?? "";

    /// <summary>
    /// Makes sure every author of a page has a row, classified by name alone until an overview
    /// arrives. DO NOTHING keeps an overview's richer answer; names are sorted so concurrent pages
    /// lock rows in one order. Callers run it on its own, before a page's transaction: a new
    /// author's row inserted inside that transaction would make every concurrent page naming the
    /// author (models, datasets and spaces pages arrive at once) wait for the whole page. It is
    /// idempotent, so a page failing afterwards leaves nothing wrong behind. Known authors (nearly all, after a
    /// crawl's first pages) are skipped by a lookup instead of an attempted insert (1,715 calls, 46 s of statement time at 1M models).
    /// </summary>
    public static Task RegisterAsync(MetricsDbContext db, IEnumerable<string> authors, CancellationToken ct)
    {
        var names = authors.Where(a => a.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        return db.Database.ExecuteSqlAsync($"""
            INSERT INTO metrics.organizations (name, is_verified, is_enterprise, org_type, provider_group)
            SELECT u.name, false, false, u.org_type, u.provider_group
            FROM unnest({names}, {names.Select(n => OrgTypes.Classify(n, null)).ToArray()}, {names.Select(ProviderGroups.Of).ToArray()})
                 AS u(name, org_type, provider_group)
            WHERE NOT EXISTS (SELECT 1 FROM metrics.organizations o WHERE o.name = u.name)
            ON CONFLICT (name) DO NOTHING
            """, ct);
    }
}
