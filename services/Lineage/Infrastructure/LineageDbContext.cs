using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Lineage.Infrastructure;

/// <summary>The lineage schema: models as graph nodes and base-model edges between them.</summary>
public sealed class LineageDbContext(DbContextOptions<LineageDbContext> options) : DbContext(options)
{
    public const string Schema = "lineage";

    public DbSet<ModelNode> Models => Set<ModelNode>();
    public DbSet<BaseModelEdge> Edges => Set<BaseModelEdge>();
    public DbSet<FamilySize> FamilySizes => Set<FamilySize>();
    public DbSet<Snapshot> Snapshots => Set<Snapshot>();
    public DbSet<SnapshotPage> SnapshotPages => Set<SnapshotPage>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.Entity<ModelNode>(n => n.HasKey(x => x.Id));
        modelBuilder.Entity<BaseModelEdge>(e =>
        {
            e.HasKey(x => new { x.ModelId, x.BaseModelId });
            // Descendant queries walk from a base model down.
            e.HasIndex(x => x.BaseModelId);
            e.Property(x => x.Relation).HasMaxLength(16);
        });
        modelBuilder.Entity<Snapshot>(x => x.HasKey(s => s.Id));
        modelBuilder.Entity<SnapshotPage>(x => x.HasKey(p => new { p.SnapshotId, p.Page }));
        modelBuilder.Entity<FamilySize>(f =>
        {
            f.HasKey(x => x.BaseModelId);
            f.HasIndex(x => x.Descendants);
            f.HasIndex(x => x.DescendantDownloads);
        });
        modelBuilder.UseSnakeCaseNames();
    }
}

/// <summary>
/// A model in the graph. <see cref="Resolved"/> is false for a base model that was named but not
/// crawled (private, deleted, or not seen yet); it turns true when the model itself is observed.
/// </summary>
public sealed class ModelNode
{
    public string Id { get; set; } = "";
    public bool Resolved { get; set; }
    public string? Author { get; set; }
    public string? PipelineTag { get; set; }
    public long Downloads { get; set; }
    public long Likes { get; set; }
    public DateTimeOffset? CreatedAt { get; set; }
    public DateTimeOffset? LastObservedAt { get; set; }
}

/// <summary>"<see cref="ModelId"/> is a <see cref="Relation"/> of <see cref="BaseModelId"/>".</summary>
public sealed class BaseModelEdge
{
    public string ModelId { get; set; } = "";
    public string BaseModelId { get; set; } = "";
    public string Relation { get; set; } = "";
    /// <summary>False when the relation was inferred by the Hub's rules rather than stated.</summary>
    public bool Stated { get; set; }
    public Guid SnapshotId { get; set; }
}

/// <summary>
/// A base model's whole family, rolled up when a snapshot completes (a transitive closure is too
/// costly per request at Hub scale): the leaderboard and organization rollups read it.
/// </summary>
public sealed class FamilySize
{
    public string BaseModelId { get; set; } = "";
    public long Descendants { get; set; }
    public long DescendantDownloads { get; set; }
    public long Finetunes { get; set; }
    public long Adapters { get; set; }
    public long Quantizations { get; set; }
    public long Merges { get; set; }
    public DateTimeOffset ComputedAt { get; set; }
}

/// <summary>A completed snapshot and how many pages it announced (see SnapshotProgress).</summary>
public sealed class Snapshot
{
    public Guid Id { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public int? ExpectedPages { get; set; }
}

/// <summary>A page of a snapshot applied to the graph.</summary>
public sealed class SnapshotPage
{
    public Guid SnapshotId { get; set; }
    public int Page { get; set; }
    public int Models { get; set; }
}

public sealed class LineageDbContextFactory() : ServiceDbContextFactory<LineageDbContext>(LineageDbContext.Schema, options => new(options));
