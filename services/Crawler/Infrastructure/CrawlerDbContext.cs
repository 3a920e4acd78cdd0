using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Crawler.Infrastructure;

/// <summary>The crawler's schema: crawls with their checkpoints, what each snapshot saw, the card backlog, and the outbox.</summary>
public sealed class CrawlerDbContext(DbContextOptions<CrawlerDbContext> options) : DbContext(options)
{
    public const string Schema = "crawler";

    public DbSet<Crawl> Crawls => Set<Crawl>();
    public DbSet<SnapshotRepoPage> SnapshotRepoPages => Set<SnapshotRepoPage>();
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();
    public DbSet<FailedPage> FailedPages => Set<FailedPage>();
    public DbSet<CardState> Cards => Set<CardState>();

    /// <summary>The outbox rows the relay works on: not sent yet and not moved aside.</summary>
    public const string OutboxPending = "sent_at IS NULL AND failed_at IS NULL";

    /// <summary>What a card is due under: never read, or read at another revision than the one listed last.</summary>
    public const string CardDue = "fetched_at IS NULL OR fetched_sha IS DISTINCT FROM sha";

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.Entity<Crawl>(crawl =>
        {
            crawl.HasKey(c => c.Id);
            crawl.Property(c => c.Kind).HasConversion<string>().HasMaxLength(16);
            crawl.Property(c => c.Status).HasConversion<string>().HasMaxLength(16);
            crawl.Property(c => c.Phase).HasConversion<string>().HasMaxLength(16);
            crawl.HasIndex(c => new { c.Status, c.RequestedAt });
        });
        modelBuilder.Entity<SnapshotRepoPage>(page =>
        {
            page.HasKey(p => new { p.SnapshotId, p.Page });
            page.Property(p => p.RepoType).HasConversion<string>().HasMaxLength(8);
        });
        modelBuilder.Entity<OutboxMessage>(message =>
        {
            message.HasKey(m => m.Id);
            message.Ignore(m => m.Message);
            // Bytes, lz4-compressed: a ~1 MB page stored as jsonb cost Postgres a parse and a pglz
            // compression on every commit (~30-50 ms of CPU a page) and a jsonb-to-text on every relay.
            message.Property(m => m.Payload).HasColumnType("bytea").UseCompressionMethod("lz4");
            // The relay reads only what is unsent and not moved aside, oldest first.
            message.HasIndex(m => m.Id).HasFilter(OutboxPending).HasDatabaseName("ix_outbox_pending");
            message.HasIndex(m => m.FailedAt).HasFilter("failed_at IS NOT NULL").HasDatabaseName("ix_outbox_failed");
        });
        modelBuilder.Entity<FailedPage>(page => page.HasKey(p => p.Id));
        modelBuilder.Entity<CardState>(card =>
        {
            card.ToTable("cards");
            card.HasKey(c => new { c.RepoType, c.RepoId });
            card.Property(c => c.RepoType).HasConversion<string>().HasMaxLength(8);
            // The backlog is read in two orders, both over the due cards only: newest first and most downloaded first.
            card.HasIndex(c => c.CreatedAt).IsDescending().HasFilter(CardDue).HasDatabaseName("ix_cards_due_newest");
            card.HasIndex(c => c.Downloads).IsDescending().HasFilter(CardDue).HasDatabaseName("ix_cards_due_downloads");
        });
        // CardsFetched events of the backlog are numbered from here (they belong to no crawl's page sequence).
        modelBuilder.HasSequence<int>("card_pages");
        modelBuilder.UseSnakeCaseNames();
    }
}

public sealed class CrawlerDbContextFactory() : ServiceDbContextFactory<CrawlerDbContext>(CrawlerDbContext.Schema, options => new(options));
