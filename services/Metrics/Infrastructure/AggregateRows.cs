using HubPlatform.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HubPlatform.Metrics.Infrastructure;

/// <summary>
/// The rows of the per-snapshot pre-aggregates (<see cref="SnapshotAggregates"/> builds them) and their keys and
/// indexes. A ranking reads its top k as an index scan of k rows: each per-author total has an index per metric,
/// ordered as the rankings order (value descending, then the author's name in byte order, <c>COLLATE "C"</c>).
/// </summary>
internal static class AggregateRows
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<CreatedPerDay>(c =>
        {
            c.HasKey(x => new { x.SnapshotId, x.Author, x.Day, x.RepoType });
            // Stored as the type's word ("model"), as the pre-aggregate's SQL writes it and the HeatMap reads it.
            c.Property(x => x.RepoType).HasMaxLength(8).HasConversion(t => t.Name(), name => RepoTypeNames.Parse(name));
            // The calendar reads one account, matched case-insensitively; the ranking reads activity_ranks, then each ranked author's days by the
            // primary key.
            c.HasIndex(x => new { x.SnapshotId, x.AuthorKey });
        });
        modelBuilder.Entity<ModelOrganizationTotal>(t =>
        {
            t.HasKey(x => new { x.SnapshotId, x.Author });
            Ranked(t, "model_organization_totals", nameof(ModelOrganizationTotal.Models));
        });
        modelBuilder.Entity<ModelTagTotal>(t =>
        {
            t.HasKey(x => new { x.SnapshotId, x.PipelineTag, x.Author });
            Ranked(t, "model_tag_totals", nameof(ModelTagTotal.Models), nameof(ModelTagTotal.PipelineTag));
        });
        modelBuilder.Entity<ModelModalityTotal>(t =>
        {
            t.HasKey(x => new { x.SnapshotId, x.Modality, x.Author });
            t.Property(x => x.Modality).HasMaxLength(32);
            Ranked(t, "model_modality_totals", nameof(ModelModalityTotal.Models), nameof(ModelModalityTotal.Modality));
        });
        modelBuilder.Entity<PipelineTagTotal>(t => t.HasKey(x => new { x.SnapshotId, x.PipelineTag }));
        modelBuilder.Entity<ModelParameterFact>(t => t.HasKey(x => new { x.SnapshotId, x.ParameterCount, x.ModelId }));
        modelBuilder.Entity<ModelAuthorFact>(t =>
        {
            // Byte order, as the treemap orders models of equal value: the key then reads an author's models by id ("count").
            t.Property(x => x.Author).UseCollation("C");
            t.Property(x => x.ModelId).UseCollation("C");
            t.HasKey(x => new { x.SnapshotId, x.Author, x.ModelId });
            foreach (var (metric, name) in new[]
                     {
                         (nameof(RepoNumbers.Downloads), "downloads"), (nameof(RepoNumbers.DownloadsAllTime), "downloads_all_time"),
                         (nameof(RepoNumbers.Likes), "likes"),
                     })
            {
                t.HasIndex("SnapshotId", "Author", metric, "ModelId").HasDatabaseName($"ix_model_author_facts_by_{name}")
                    .IsDescending(false, false, true, false);
            }
        });
        modelBuilder.Entity<ParameterBucketTotal>(t => t.HasKey(x => new { x.SnapshotId, x.Author, x.Bucket }));
        modelBuilder.Entity<ParameterRanking>(r =>
        {
            r.HasKey(x => new { x.SnapshotId, x.Lowest, x.Highest, x.Metric, x.Rank });
            r.Property(x => x.Metric).HasMaxLength(16);
        });
        modelBuilder.Entity<DatasetOrganizationTotal>(t =>
        {
            t.HasKey(x => new { x.SnapshotId, x.Author });
            Ranked(t, "dataset_organization_totals", nameof(DatasetOrganizationTotal.Datasets));
        });
        modelBuilder.Entity<DatasetDimensionTotal>(t =>
        {
            t.HasKey(x => new { x.SnapshotId, x.Dimension, x.Key });
            t.Property(x => x.Dimension).HasMaxLength(16);
        });
        modelBuilder.Entity<ActivityRankEntry>(r => r.HasKey(x => new { x.SnapshotId, x.Weeks, x.Rank }));
        modelBuilder.Entity<AuthorOrgType>(a => a.HasKey(x => new { x.SnapshotId, x.Author }));
        modelBuilder.Entity<OrgTypeTotal>(t =>
        {
            t.HasKey(x => new { x.SnapshotId, x.Source, x.Key, x.OrgType });
            t.Property(x => x.Source).HasMaxLength(32);
        });
    }

    /// <summary>
    /// One index per metric: (snapshot, [group,] metric DESC, author COLLATE "C"), named <c>ix_{table}_by_{metric}</c>, so
    /// <c>ORDER BY metric DESC, author COLLATE "C" LIMIT k</c> reads k rows. <paramref name="count"/> is the property counting the repos.
    /// </summary>
    private static void Ranked<T>(EntityTypeBuilder<T> t, string table, string count, string? group = null) where T : RepoNumbers
    {
        (string Metric, string Name)[] metrics =
        [
            (nameof(RepoNumbers.Downloads), "downloads"), (nameof(RepoNumbers.DownloadsAllTime), "downloads_all_time"),
            (nameof(RepoNumbers.Likes), "likes"), (count, "count"),
        ];
        foreach (var (metric, name) in metrics)
        {
            string[] columns = group is null ? ["SnapshotId", metric, "Author"] : ["SnapshotId", group, metric, "Author"];
            t.HasIndex(columns).HasDatabaseName($"ix_{table}_by_{name}")
                .IsDescending([.. columns.Select(c => c == metric)])
                .UseCollation([.. columns.Select(c => c == "Author" ? "C" : null!)]);
        }
    }
}

/// <summary>
/// The numbers a ranking orders by, summed over the repos a row counts (a single model's own, for
/// <see cref="ModelParameterFact"/>). One shape for every aggregate row: <see cref="AggregateRows"/> indexes these
/// columns, and AggregateMetric names them; the subclasses add their key and their count of repos.
/// </summary>
public abstract class RepoNumbers
{
    /// <summary>Downloads in the Hub's last 30 days.</summary>
    public long Downloads { get; set; }
    /// <summary>Downloads since the repo was created (0 where the Hub gave none).</summary>
    public long DownloadsAllTime { get; set; }
    public long Likes { get; set; }
}

/// <summary>How many repos of a type an author created on a UTC day, among those a snapshot saw.</summary>
public sealed class CreatedPerDay
{
    public Guid SnapshotId { get; set; }
    public string Author { get; set; } = "";
    /// <summary>The author lower-cased: Hub account names are case-insensitive, and the calendar is asked by any spelling.</summary>
    public string AuthorKey { get; set; } = "";
    public DateOnly Day { get; set; }
    public RepoType RepoType { get; set; }
    public int Repos { get; set; }
}

/// <summary>One author's models in a snapshot and their summed numbers.</summary>
public sealed class ModelOrganizationTotal : RepoNumbers
{
    public Guid SnapshotId { get; set; }
    public string Author { get; set; } = "";
    public long Models { get; set; }
}

/// <summary>One author's models of one pipeline tag ("" for none) in a snapshot, and their summed numbers.</summary>
public sealed class ModelTagTotal : RepoNumbers
{
    public Guid SnapshotId { get; set; }
    public string Author { get; set; } = "";
    public string PipelineTag { get; set; } = "";
    public long Models { get; set; }
}

/// <summary>One author's models of one modality (ModelVerse's grouping of pipeline tags) in a snapshot, and their summed numbers.</summary>
public sealed class ModelModalityTotal : RepoNumbers
{
    public Guid SnapshotId { get; set; }
    public string Author { get; set; } = "";
    public string Modality { get; set; } = "";
    public long Models { get; set; }
}

/// <summary>A snapshot's models of one pipeline tag ("" for none), all authors together: the totals of a ranking by tag or modality.</summary>
public sealed class PipelineTagTotal : RepoNumbers
{
    public Guid SnapshotId { get; set; }
    public string PipelineTag { get; set; } = "";
    public long Models { get; set; }
}

/// <summary>
/// A model with a parameter count in a snapshot, with what a ModelVerse ranking needs of it, kept in parameter order:
/// a parameter range is one index range of this table instead of the snapshot's facts joined to every model.
/// </summary>
public sealed class ModelParameterFact : RepoNumbers
{
    public Guid SnapshotId { get; set; }
    public long ParameterCount { get; set; }
    public string ModelId { get; set; } = "";
    public string Author { get; set; } = "";
    public string? PipelineTag { get; set; }
}

/// <summary>
/// A model of a snapshot with what a ranking or a treemap needs of it, kept in author order: an author's top models by a metric
/// are the first rows of the metric's index, and the per-author totals and parameter facts are built from it (one join of the
/// facts with the models for all of them).
/// </summary>
public sealed class ModelAuthorFact : RepoNumbers
{
    public Guid SnapshotId { get; set; }
    public string Author { get; set; } = "";
    public string ModelId { get; set; } = "";
    public string? PipelineTag { get; set; }
    public long? ParameterCount { get; set; }
}

/// <summary>One author's models of one parameter size class (an index into ParameterBuckets.All) in a snapshot.</summary>
public sealed class ParameterBucketTotal : RepoNumbers
{
    public Guid SnapshotId { get; set; }
    public string Author { get; set; } = "";
    public short Bucket { get; set; }
    public long Models { get; set; }
}

/// <summary>
/// A place in the ranking of the models whose size classes run from <see cref="Lowest"/> to <see cref="Highest"/>
/// by <see cref="Metric"/> (<see cref="ParameterRankings"/>); rank 0 holds the run's totals, author "".
/// </summary>
public sealed class ParameterRanking
{
    public Guid SnapshotId { get; set; }
    public short Lowest { get; set; }
    public short Highest { get; set; }
    public string Metric { get; set; } = "";
    public short Rank { get; set; }
    public string Author { get; set; } = "";
    public long Value { get; set; }
    public long Models { get; set; }
}

/// <summary>One author's datasets in a snapshot and their summed numbers.</summary>
public sealed class DatasetOrganizationTotal : RepoNumbers
{
    public Guid SnapshotId { get; set; }
    public string Author { get; set; } = "";
    public long Datasets { get; set; }
}

/// <summary>One value of a dataset dimension (a task category, a license...) in a snapshot: its datasets and their summed numbers.</summary>
public sealed class DatasetDimensionTotal : RepoNumbers
{
    public Guid SnapshotId { get; set; }
    /// <summary>A key of <see cref="SnapshotAggregates.DatasetDimensions"/>.</summary>
    public string Dimension { get; set; } = "";
    public string Key { get; set; } = "";
    public long Datasets { get; set; }
}

/// <summary>
/// The HeatMap ranking of a window, precomputed: the <see cref="ActivityRanks.Kept"/> authors who created the most repos in
/// the <see cref="Weeks"/> weeks up to the snapshot's day, <see cref="Rank"/> 1 first (see <see cref="ActivityRanks"/>).
/// </summary>
public sealed class ActivityRankEntry
{
    public Guid SnapshotId { get; set; }
    public short Weeks { get; set; }
    public short Rank { get; set; }
    public string Author { get; set; } = "";
    public long Total { get; set; }
}

/// <summary>An author's org type as a snapshot's build read it (<see cref="OrgTypeTotals"/>): what its totals were summed under.</summary>
public sealed class AuthorOrgType
{
    public Guid SnapshotId { get; set; }
    public string Author { get; set; } = "";
    public string OrgType { get; set; } = "";
}

/// <summary>
/// The authors of one org type summed over a per-author aggregate (<see cref="Source"/>, one of <see cref="OrgTypeTotals.Sources"/>) for
/// one value of its group (<see cref="Key"/>: a pipeline tag, a modality, "" for none), under the org types the build read.
/// </summary>
public sealed class OrgTypeTotal : RepoNumbers
{
    public Guid SnapshotId { get; set; }
    public string Source { get; set; } = "";
    public string Key { get; set; } = "";
    public string OrgType { get; set; } = "";
    public long Repos { get; set; }
}
