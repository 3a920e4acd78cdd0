using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Metrics.Infrastructure;

/// <summary>The metrics schema: snapshots, one row per model (its dimensions), and facts per model per snapshot.</summary>
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

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.Entity<Snapshot>(s =>
        {
            s.HasKey(x => x.Id);
            s.Property(x => x.Kind).HasMaxLength(16);
        });
        modelBuilder.Entity<Model>(m =>
        {
            m.HasKey(x => x.Id);
            m.HasIndex(x => x.Author);
            m.HasIndex(x => x.CreatedAt);
        });
        modelBuilder.Entity<SnapshotPage>(p => p.HasKey(x => new { x.SnapshotId, x.Page }));
        modelBuilder.Entity<ModelFact>(f =>
        {
            f.HasKey(x => new { x.SnapshotId, x.ModelId });
            f.HasIndex(x => x.ModelId);
        });
        modelBuilder.Entity<Dataset>(d =>
        {
            d.HasKey(x => x.Id);
            d.HasIndex(x => x.Author);
            d.HasIndex(x => x.CreatedAt);
        });
        modelBuilder.Entity<DatasetFact>(f =>
        {
            f.HasKey(x => new { x.SnapshotId, x.DatasetId });
            f.HasIndex(x => x.DatasetId);
        });
        modelBuilder.Entity<Space>(s =>
        {
            s.HasKey(x => x.Id);
            s.HasIndex(x => x.Author);
            s.HasIndex(x => x.CreatedAt);
        });
        modelBuilder.Entity<SpaceFact>(f =>
        {
            f.HasKey(x => new { x.SnapshotId, x.SpaceId });
            f.HasIndex(x => x.SpaceId);
        });
        modelBuilder.Entity<Organization>(o =>
        {
            o.HasKey(x => x.Name);
            o.HasIndex(x => x.OrgType);
            o.HasIndex(x => x.ProviderGroup);
        });
        modelBuilder.UseSnakeCaseNames();
    }
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
}

/// <summary>A page of a snapshot that metrics has stored: it tells when a snapshot is fully ingested.</summary>
public sealed class SnapshotPage
{
    public Guid SnapshotId { get; set; }
    public int Page { get; set; }
    public int Models { get; set; }
}

/// <summary>A model's dimensions as last observed. <see cref="RemovedInSnapshot"/> is set when a full snapshot no longer saw it.</summary>
public sealed class Model
{
    public string Id { get; set; } = "";
    public string Author { get; set; } = "";
    public DateTimeOffset? CreatedAt { get; set; }
    public string? PipelineTag { get; set; }
    public string? LibraryName { get; set; }
    public string? License { get; set; }
    public long? ParameterCount { get; set; }
    /// <summary>The size class of <see cref="ParameterCount"/> (see ParameterBuckets), null when the Hub gave no safetensors total.</summary>
    public string? ParameterBucket { get; set; }
    /// <summary>True when the model declares a base model: a fine-tune, adapter, quantization or merge.</summary>
    public bool IsDerivative { get; set; }
    public string Gated { get; set; } = "false";
    public string[] Languages { get; set; } = [];
    public DateTimeOffset LastObservedAt { get; set; }
    public Guid? RemovedInSnapshot { get; set; }
}

/// <summary>What a snapshot saw of a model's popularity.</summary>
public sealed class ModelFact
{
    public Guid SnapshotId { get; set; }
    public string ModelId { get; set; } = "";
    public long Downloads { get; set; }
    public long? DownloadsAllTime { get; set; }
    public long Likes { get; set; }
    public double? TrendingScore { get; set; }
    public DateTimeOffset ObservedAt { get; set; }
}

/// <summary>A dataset's dimensions as last observed, with the domains and benchmark flag the rules derived.</summary>
public sealed class Dataset
{
    public string Id { get; set; } = "";
    public string Author { get; set; } = "";
    public DateTimeOffset? CreatedAt { get; set; }
    public string? License { get; set; }
    public string[] TaskCategories { get; set; } = [];
    public string[] Modalities { get; set; } = [];
    public string? SizeCategory { get; set; }
    public string[] Domains { get; set; } = [];
    public bool IsBenchmark { get; set; }
    public string[] Languages { get; set; } = [];
    public DateTimeOffset LastObservedAt { get; set; }
    public Guid? RemovedInSnapshot { get; set; }
}

/// <summary>What a snapshot saw of a dataset's popularity.</summary>
public sealed class DatasetFact
{
    public Guid SnapshotId { get; set; }
    public string DatasetId { get; set; } = "";
    public long Downloads { get; set; }
    public long? DownloadsAllTime { get; set; }
    public long Likes { get; set; }
    public double? TrendingScore { get; set; }
    public DateTimeOffset ObservedAt { get; set; }
}

/// <summary>A space's dimensions as last observed.</summary>
public sealed class Space
{
    public string Id { get; set; } = "";
    public string Author { get; set; } = "";
    public DateTimeOffset? CreatedAt { get; set; }
    public string? Sdk { get; set; }
    public string? License { get; set; }
    public DateTimeOffset LastObservedAt { get; set; }
    public Guid? RemovedInSnapshot { get; set; }
}

/// <summary>What a snapshot saw of a space (the Hub counts no downloads for spaces).</summary>
public sealed class SpaceFact
{
    public Guid SnapshotId { get; set; }
    public string SpaceId { get; set; } = "";
    public long Likes { get; set; }
    public double? TrendingScore { get; set; }
    public DateTimeOffset ObservedAt { get; set; }
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
    public string? ProviderGroup { get; set; }
    public DateTimeOffset? OverviewObservedAt { get; set; }
}

public sealed class MetricsDbContextFactory() : ServiceDbContextFactory<MetricsDbContext>(MetricsDbContext.Schema, options => new(options));
