using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Metrics.Infrastructure;

/// <summary>The metrics schema: snapshots, one row per repo (its dimensions), facts per repo per snapshot, and per-snapshot pre-aggregates
/// (SnapshotAggregates).</summary>
public sealed class MetricsDbContext(DbContextOptions<MetricsDbContext> options) : DbContext(options)
{
    public const string Schema = "metrics";

    public DbSet<Snapshot> Snapshots => Set<Snapshot>();
    public DbSet<Model> Models => Set<Model>();
    public DbSet<ModelFact> ModelFacts => Set<ModelFact>();
    public DbSet<SnapshotPage> SnapshotPages => Set<SnapshotPage>();
    public DbSet<Dataset> Datasets => Set<Dataset>();
    public DbSet<DatasetFact> DatasetFacts => Set<DatasetFact>();
    public DbSet<Space> Spaces => Set<Space>();
    public DbSet<SpaceFact> SpaceFacts => Set<SpaceFact>();
    public DbSet<Organization> Organizations => Set<Organization>();
    public DbSet<CreatedPerDay> CreatedPerDay => Set<CreatedPerDay>();
    public DbSet<ModelOrganizationTotal> ModelOrganizationTotals => Set<ModelOrganizationTotal>();
    public DbSet<ModelTagTotal> ModelTagTotals => Set<ModelTagTotal>();
    public DbSet<ModelModalityTotal> ModelModalityTotals => Set<ModelModalityTotal>();
    public DbSet<PipelineTagTotal> PipelineTagTotals => Set<PipelineTagTotal>();
    public DbSet<ModelParameterFact> ModelParameterFacts => Set<ModelParameterFact>();
    public DbSet<ModelAuthorFact> ModelAuthorFacts => Set<ModelAuthorFact>();
    public DbSet<ParameterBucketTotal> ParameterBucketTotals => Set<ParameterBucketTotal>();
    public DbSet<ParameterRanking> ParameterRankings => Set<ParameterRanking>();
    public DbSet<ActivityRankEntry> ActivityRanks => Set<ActivityRankEntry>();
    public DbSet<DatasetOrganizationTotal> DatasetOrganizationTotals => Set<DatasetOrganizationTotal>();
    public DbSet<DatasetDimensionTotal> DatasetDimensionTotals => Set<DatasetDimensionTotal>();
    public DbSet<AuthorOrgType> AuthorOrgTypes => Set<AuthorOrgType>();
    public DbSet<OrgTypeTotal> OrgTypeTotals => Set<OrgTypeTotal>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.Entity<Snapshot>(s =>
        {
            s.HasKey(x => x.Id);
            s.Property(x => x.Kind).HasMaxLength(16);
        });
        modelBuilder.Entity<SnapshotPage>(p => p.HasKey(x => new { x.SnapshotId, x.Page }));
        Repo<Model>(modelBuilder);
        Repo<Dataset>(modelBuilder);
        Repo<Space>(modelBuilder);
        Fact<ModelFact>(modelBuilder, x => new { x.SnapshotId, x.ModelId }, x => x.ModelId);
        Fact<DatasetFact>(modelBuilder, x => new { x.SnapshotId, x.DatasetId }, x => x.DatasetId);
        Fact<SpaceFact>(modelBuilder, x => new { x.SnapshotId, x.SpaceId }, x => x.SpaceId);
        SnapshotAggregates.Configure(modelBuilder);
        modelBuilder.Entity<Organization>(o =>
        {
            o.HasKey(x => x.Name);
            o.HasIndex(x => x.OrgType);
            // The authors reclassified since a snapshot's build, found without reading every author (OrgTypeTotals).
            o.HasIndex(x => x.OrgTypeChangedAt);
            o.HasIndex(x => x.ProviderGroup);
        });
        modelBuilder.UseSnakeCaseNames();
    }

    /// <summary>A repo's dimensions: keyed by id, found by author (organizations, HeatMap) and by creation date (cohorts).</summary>
    private static void Repo<T>(ModelBuilder modelBuilder) where T : RepoDimensions => modelBuilder.Entity<T>(r =>
    {
        r.HasKey(x => x.Id);
        r.HasIndex(x => x.Author);
        r.HasIndex(x => x.CreatedAt);
    });

    /// <summary>
    /// A fact table: keyed by (snapshot, repo) and indexed by repo for trends. The keys and index
    /// names must stay what SnapshotPartitions.PartitionBySnapshot recreates on the partitioned table.
    /// </summary>
    private static void Fact<T>(ModelBuilder modelBuilder, Expression<Func<T, object?>> key, Expression<Func<T, object?>> repo) where T : RepoFact =>
        modelBuilder.Entity<T>(f =>
        {
            f.HasKey(key);
            f.HasIndex(repo);
        });
}

/// <summary>
/// What every repo's dimensions row holds, whatever its type: a row per repo as last observed.
/// <see cref="RemovedInSnapshot"/> is set when a full snapshot no longer saw it.
/// </summary>
public abstract class RepoDimensions
{
    public string Id { get; set; } = "";
    public string Author { get; set; } = "";
    public DateTimeOffset? CreatedAt { get; set; }
    public string? License { get; set; }
    public DateTimeOffset LastObservedAt { get; set; }
    public Guid? RemovedInSnapshot { get; set; }
}

/// <summary>What a snapshot saw of a repo's popularity, whatever its type (the Hub counts no downloads for spaces).</summary>
public abstract class RepoFact
{
    public Guid SnapshotId { get; set; }
    public long Likes { get; set; }
    public double? TrendingScore { get; set; }
    public DateTimeOffset ObservedAt { get; set; }
}

/// <summary>A fact of a repo the Hub counts downloads for: a model or a dataset.</summary>
public abstract class DownloadedRepoFact : RepoFact
{
    /// <summary>Downloads in the Hub's last 30 days.</summary>
    public long Downloads { get; set; }
    /// <summary>Downloads since the repo was created; null when the Hub did not say.</summary>
    public long? DownloadsAllTime { get; set; }
}

public sealed class Snapshot
{
    public Guid Id { get; set; }
    public string Kind { get; set; } = "";
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public long Models { get; set; }
    public long Datasets { get; set; }
    public long Spaces { get; set; }
    public int FailedPages { get; set; }
    /// <summary>How many pages of the kinds this service consumes the crawler published; known once the snapshot completed.</summary>
    public int? ExpectedPages { get; set; }
    /// <summary>When the snapshot's pre-aggregates (SnapshotAggregates) were built: set once every page is stored, null before.</summary>
    public DateTimeOffset? AggregatedAt { get; set; }
    /// <summary>The <see cref="SnapshotAggregates.Version"/> its aggregates were built at (0: none); queries read them only when current.</summary>
    public int AggregatesVersion { get; set; }
    /// <summary>
    /// When the build read the authors' org types for the org-type totals (<see cref="OrgTypeTotals"/>): an author reclassified
    /// later is corrected for when they are read.
    /// </summary>
    public DateTimeOffset? OrgTypesReadAt { get; set; }
}

/// <summary>A page of a snapshot that metrics has stored: it tells when a snapshot is fully ingested.</summary>
public sealed class SnapshotPage
{
    public Guid SnapshotId { get; set; }
    public int Page { get; set; }
    public int Models { get; set; }
}

/// <summary>A model's dimensions as last observed.</summary>
public sealed class Model : RepoDimensions
{
    public string? PipelineTag { get; set; }
    public string? LibraryName { get; set; }
    public long? ParameterCount { get; set; }
    /// <summary>The size class of <see cref="ParameterCount"/> (see ParameterBuckets), null when the Hub gave no safetensors total.</summary>
    public string? ParameterBucket { get; set; }
    /// <summary>True when the model declares a base model: a fine-tune, adapter, quantization or merge.</summary>
    public bool IsDerivative { get; set; }
    /// <summary>
    /// The base models the model names (the Hub's <c>base_model</c>, read from its <c>base_model:</c> tags, see docs/LINEAGE.md), as
    /// the crawler observed them: exported so a snapshot's files hold its model tree; lineage keeps the relations and history.
    /// </summary>
    public string[] BaseModels { get; set; } = [];
    public string Gated { get; set; } = "false";
    public string[] Languages { get; set; } = [];
}

/// <summary>What a snapshot saw of a model's popularity.</summary>
public sealed class ModelFact : DownloadedRepoFact
{
    public string ModelId { get; set; } = "";
}

/// <summary>A dataset's dimensions as last observed, with the domains and benchmark flag the rules derived.</summary>
public sealed class Dataset : RepoDimensions
{
    public string[] TaskCategories { get; set; } = [];
    public string[] Modalities { get; set; } = [];
    public string? SizeCategory { get; set; }
    public string[] Domains { get; set; } = [];
    public bool IsBenchmark { get; set; }
    public string[] Languages { get; set; } = [];
}

/// <summary>What a snapshot saw of a dataset's popularity.</summary>
public sealed class DatasetFact : DownloadedRepoFact
{
    public string DatasetId { get; set; } = "";
}

/// <summary>A space's dimensions as last observed.</summary>
public sealed class Space : RepoDimensions
{
    public string? Sdk { get; set; }
}

/// <summary>What a snapshot saw of a space (the Hub counts no downloads for spaces).</summary>
public sealed class SpaceFact : RepoFact
{
    public string SpaceId { get; set; } = "";
}

/// <summary>
/// An author (organization or user): a row for every author any repo page named, completed by
/// the Hub's overview when the crawler fetched it. <see cref="OrgType"/> and
/// <see cref="ProviderGroup"/> are derived by the rules in docs/ORG_TYPES.md.
/// </summary>
public sealed class Organization
{
    public string Name { get; set; } = "";
    /// <summary>The Hub's word, "org" or "user"; null until an overview was observed.</summary>
    public string? Type { get; set; }
    public string? Fullname { get; set; }
    public bool IsVerified { get; set; }
    public bool IsEnterprise { get; set; }
    public long? NumFollowers { get; set; }
    public long? NumUsers { get; set; }
    public string? Details { get; set; }
    public string OrgType { get; set; } = "";
    /// <summary>
    /// When an overview last changed <see cref="OrgType"/> (null: never since the row was created). A snapshot's org-type totals
    /// built before it are corrected for this author when read (<see cref="OrgTypeTotals"/>).
    /// </summary>
    public DateTimeOffset? OrgTypeChangedAt { get; set; }
    public string? ProviderGroup { get; set; }
    public DateTimeOffset? OverviewObservedAt { get; set; }
}

public sealed class MetricsDbContextFactory() : ServiceDbContextFactory<MetricsDbContext>(MetricsDbContext.Schema, options => new(options));
