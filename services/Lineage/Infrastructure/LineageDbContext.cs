using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace HubPlatform.Lineage.Infrastructure;

/// <summary>The lineage schema: models as graph nodes and base-model edges between them.</summary>
public sealed class LineageDbContext(DbContextOptions<LineageDbContext> options) : DbContext(options)
{
    public const string Schema = "lineage";

    public DbSet<ModelNode> Models => Set<ModelNode>();
    public DbSet<BaseModelEdge> Edges => Set<BaseModelEdge>();

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

public sealed class LineageDbContextFactory : IDesignTimeDbContextFactory<LineageDbContext>
{
    public LineageDbContext CreateDbContext(string[] args) => new(new DbContextOptionsBuilder<LineageDbContext>()
        .UseNpgsql("Host=localhost", o => o.MigrationsHistoryTable("__ef_migrations_history", LineageDbContext.Schema)).Options);
}
