using HubPlatform.Metrics.Dimensions;
using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Metrics.Infrastructure;

/// <summary>
/// A snapshot's totals per org type, so a ranking filtered by org type reads its totals row instead of summing every author of
/// that type (8,607 companies among 175k authors at 1M models: a join of 160–190 ms).
/// <para>An author's org type is read live: an overview arriving after the snapshot reclassifies the author, and every view
/// answers with the current type. So the build stores two things: <c>author_org_types</c>, each author's type as the build read
/// it, and <c>org_type_totals</c>, the per-author aggregates of <see cref="Sources"/> summed by those types. A reader adds what
/// changed since (<c>OrgTypeSums</c>): the authors whose type changed after <see cref="Snapshot.OrgTypesReadAt"/> (an index on
/// <see cref="Organization.OrgTypeChangedAt"/> finds them) move from the type they were summed under to their current one.
/// Moving an author that did not really change is a no-op, so the correction only has to cover every change the build missed.</para>
/// <para>It does: a trigger on <c>metrics.organizations</c> (migration OrgTypeChangedTrigger) stamps every change of a type, taking
/// <see cref="LockKey"/> shared first, whoever writes it; the build reads the types and the time holding the lock alone. A change is
/// then either committed before the read (and seen by it) or stamped after the read's time.</para>
/// </summary>
public static class OrgTypeTotals
{
    public const string AuthorsTable = "author_org_types";
    public const string Table = "org_type_totals";

    /// <summary>
    /// Any fixed number: the advisory lock between a change of an org type and the build's read of them. The trigger
    /// (migration OrgTypeChangedTrigger) names the same number: never change it.
    /// </summary>
    public const long LockKey = 0x6f72677479706573; // "orgtypes"

    /// <summary>A per-author aggregate summed by org type: its table, the column grouping it (null: none) and its count of repos.</summary>
    public sealed record Source(string Table, string? KeyColumn, string Count);

    public static readonly IReadOnlyList<Source> Sources =
    [
        new("model_organization_totals", null, "models"), new("model_tag_totals", "pipeline_tag", "models"),
        new("model_modality_totals", "modality", "models"), new("dataset_organization_totals", null, "datasets"),
    ];

    public static Source Of(string table) => Sources.Single(s => s.Table == table);

    /// <summary>
    /// Fills <paramref name="target"/> (the fresh <c>author_org_types</c> partition) with every author's org type under the lock
    /// reclassifications share, and returns the time of the read, the snapshot's <see cref="Snapshot.OrgTypesReadAt"/>. Call it
    /// in the table's own short transaction: it holds the lock to the commit, and overview pages that change a type wait for
    /// it (well under a second at 1M models).
    /// </summary>
    public static async Task<DateTimeOffset> ReadAuthorsAsync(MetricsDbContext db, string target, Guid snapshot, CancellationToken ct)
    {
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({LockKey})", ct);
#pragma warning disable EF1002 // the partition name is built from a Guid and a fixed table name; the snapshot is a parameter
        await db.Database.ExecuteSqlRawAsync(
            $"INSERT INTO {target} (snapshot_id, author, org_type) SELECT {{0}}, o.name, o.org_type FROM metrics.organizations o",
            [snapshot], ct);
#pragma warning restore EF1002
        return await db.Database.SqlQuery<DateTimeOffset>($"""SELECT clock_timestamp() AS "Value" """).SingleAsync(ct);
    }

    /// <summary>
    /// The statement filling the fresh <c>org_type_totals</c> partition (<c>{0}</c> is the snapshot) from the snapshot's
    /// per-author aggregates and <c>author_org_types</c>, given their partitions' names. An author without a row (none is
    /// registered for an empty name) counts as an individual, as the live filter has it.
    /// </summary>
    public static string FillSql(string target, Func<string, string> partition) =>
        $"INSERT INTO {target} (snapshot_id, source, key, org_type, repos, downloads, downloads_all_time, likes) " +
        string.Join(" UNION ALL ", Sources.Select(s => $"""
            SELECT {"{0}"}, '{s.Table}', {(s.KeyColumn is null ? "''" : $"t.{s.KeyColumn}")}, coalesce(a.org_type, '{OrgTypes.Individual}'),
                   sum(t.{s.Count}), sum(t.downloads), sum(t.downloads_all_time), sum(t.likes)
            FROM {partition(s.Table)} t LEFT JOIN {partition(AuthorsTable)} a ON a.author = t.author
            GROUP BY 3, 4
            """));
}
