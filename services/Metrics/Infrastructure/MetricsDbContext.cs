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

public sealed class MetricsDbContextFactory() : ServiceDbContextFactory<MetricsDbContext>(MetricsDbContext.Schema, options => new(options));
