using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Lineage.Infrastructure;

/// <summary>
/// The lineage schema: models as graph nodes, base-model edges versioned by snapshot, and the
/// per-snapshot rollups (family sizes, depth levels, cycles) that whole-hub answers read.
/// </summary>
public sealed class LineageDbContext(DbContextOptions<LineageDbContext> options) : DbContext(options)
{
    public const string Schema = "lineage";

    public DbSet<ModelNode> Models => Set<ModelNode>();
    public DbSet<BaseModelEdge> Edges => Set<BaseModelEdge>();
    public DbSet<FamilySize> FamilySizes => Set<FamilySize>();
    public DbSet<DepthLevel> DepthLevels => Set<DepthLevel>();
    public DbSet<CycleMember> CycleMembers => Set<CycleMember>();
    public DbSet<SelfReference> SelfReferences => Set<SelfReference>();
    public DbSet<Snapshot> Snapshots => Set<Snapshot>();
    public DbSet<SnapshotPage> SnapshotPages => Set<SnapshotPage>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.Entity<ModelNode>(n => n.HasKey(x => x.Id));
        modelBuilder.Entity<BaseModelEdge>(e =>
        {
            e.HasKey(x => new { x.ModelId, x.BaseModelId, x.ValidFromSnapshotId });
            e.Property(x => x.Relation).HasMaxLength(16);
            // The latest graph is the open versions: these partial indexes keep the common case
            // (no asOf) from ever reading history. At most one open version per (model, base).
            e.HasIndex(x => new { x.ModelId, x.BaseModelId }).IsUnique().HasFilter("valid_to IS NULL").HasDatabaseName("ix_edges_open_model");
            e.HasIndex(x => x.BaseModelId).HasFilter("valid_to IS NULL").HasDatabaseName("ix_edges_open_base");
            // As-of walks go down from a base model and keep the versions valid at a date.
            e.HasIndex(x => new { x.BaseModelId, x.ValidFrom }).HasDatabaseName("ix_edges_history_base");
        });
        modelBuilder.Entity<Snapshot>(x =>
        {
            x.HasKey(s => s.Id);
            x.HasIndex(s => s.ObservedAt);
        });
        modelBuilder.Entity<SnapshotPage>(x => x.HasKey(p => new { p.SnapshotId, p.Page }));
        modelBuilder.Entity<FamilySize>(f =>
        {
            f.HasKey(x => new { x.SnapshotId, x.BaseModelId });
            f.HasIndex(x => new { x.SnapshotId, x.Descendants });
            f.HasIndex(x => new { x.SnapshotId, x.DescendantDownloads });
        });
        modelBuilder.Entity<DepthLevel>(d => d.HasKey(x => new { x.SnapshotId, x.Depth }));
        modelBuilder.Entity<CycleMember>(c => c.HasKey(x => new { x.SnapshotId, x.ModelId }));
        modelBuilder.Entity<SelfReference>(s => s.HasKey(x => new { x.SnapshotId, x.ModelId }));
        modelBuilder.UseSnakeCaseNames();
    }
}

/// <summary>
/// A model in the graph. <see cref="Resolved"/> is false for a base model that was named but not
/// crawled (private, deleted, or not seen yet) or that a later snapshot removed; it turns true
/// when the model itself is observed. Dates are snapshot dates (see <see cref="Snapshot.ObservedAt"/>).
/// Downloads, likes and the like are the latest observed values: only the structure is versioned.
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
    /// <summary>The date of the first snapshot that observed the model itself.</summary>
    public DateTimeOffset? FirstObservedAt { get; set; }
    /// <summary>The date of the latest snapshot that observed it: older pages cannot change it any more.</summary>
    public DateTimeOffset? LastObservedAt { get; set; }
    /// <summary>The snapshot whose ReposRemoved named it, while it stays gone.</summary>
    public Guid? RemovedSnapshotId { get; set; }
    public DateTimeOffset? RemovedAt { get; set; }
}

/// <summary>
/// "<see cref="ModelId"/> is a <see cref="Relation"/> of <see cref="BaseModelId"/>" from snapshot
/// <see cref="ValidFromSnapshotId"/> (dated <see cref="ValidFrom"/>) until the snapshot that no
/// longer shows it (<see cref="ValidToSnapshotId"/>, <see cref="ValidTo"/>; null while it holds).
/// </summary>
public sealed class BaseModelEdge
{
    public string ModelId { get; set; } = "";
    public string BaseModelId { get; set; } = "";
    public string Relation { get; set; } = "";
    /// <summary>False when the relation was inferred by the Hub's rules rather than stated.</summary>
    public bool Stated { get; set; }
    public Guid ValidFromSnapshotId { get; set; }
    public DateTimeOffset ValidFrom { get; set; }
    public Guid? ValidToSnapshotId { get; set; }
    public DateTimeOffset? ValidTo { get; set; }
}

/// <summary>
/// A base model's whole family in one snapshot, rolled up when the snapshot is fully applied (a
/// transitive closure is too costly per request at Hub scale): leaderboard and organizations read it.
/// </summary>
public sealed class FamilySize
{
    public Guid SnapshotId { get; set; }
    public string BaseModelId { get; set; } = "";
    public long Descendants { get; set; }
    public long DescendantDownloads { get; set; }
    public long Finetunes { get; set; }
    public long Adapters { get; set; }
    public long Quantizations { get; set; }
    public long Merges { get; set; }
    /// <summary>Direct children by relation: with the above, the whole model tree is this one row.</summary>
    public long ChildFinetunes { get; set; }
    public long ChildAdapters { get; set; }
    public long ChildQuantizations { get; set; }
    public long ChildMerges { get; set; }
    public DateTimeOffset ComputedAt { get; set; }
}

/// <summary>
/// How many models sit at <see cref="Depth"/> hops below their nearest root in a snapshot's graph.
/// Depth <see cref="DepthLevel.InCyclesOnly"/> counts models no root reaches (only cycles above them).
/// </summary>
public sealed class DepthLevel
{
    public const int InCyclesOnly = -1;

    public Guid SnapshotId { get; set; }
    public int Depth { get; set; }
    public long Models { get; set; }
}

/// <summary>A model that is its own ancestor in a snapshot's graph (a cycle of declared lineage).</summary>
public sealed class CycleMember
{
    public Guid SnapshotId { get; set; }
    public string ModelId { get; set; } = "";
}

/// <summary>A model that named itself as its base model in a snapshot; the edge is not stored.</summary>
public sealed class SelfReference
{
    public Guid SnapshotId { get; set; }
    public string ModelId { get; set; } = "";
    public string? Relation { get; set; }
}

/// <summary>
/// A snapshot as lineage knows it. <see cref="ObservedAt"/> is its date: the time of the first of
/// its events lineage stored (a page, a removal or its completion), so every edge version of one
/// snapshot carries one date. <see cref="RolledUpAt"/> is set once its rollups are computed.
/// </summary>
public sealed class Snapshot
{
    public Guid Id { get; set; }
    public DateTimeOffset? ObservedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public int? ExpectedPages { get; set; }
    public DateTimeOffset? RolledUpAt { get; set; }
    /// <summary>Set when retention dropped this snapshot's family sizes (see <c>RollupRetention</c>).</summary>
    public DateTimeOffset? FamilySizesPrunedAt { get; set; }
}

/// <summary>A page of a snapshot applied to the graph.</summary>
public sealed class SnapshotPage
{
    public Guid SnapshotId { get; set; }
    public int Page { get; set; }
    public int Models { get; set; }
}

public sealed class LineageDbContextFactory() : ServiceDbContextFactory<LineageDbContext>(LineageDbContext.Schema, options => new(options));
