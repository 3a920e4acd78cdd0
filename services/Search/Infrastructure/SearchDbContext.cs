using Microsoft.EntityFrameworkCore;
using NpgsqlTypes;

namespace HubPlatform.Search.Infrastructure;

/// <summary>The search schema: one document per repo, with a weighted full-text vector kept by Postgres.</summary>
public sealed class SearchDbContext(DbContextOptions<SearchDbContext> options) : DbContext(options)
{
    public const string Schema = "search";
    private const string NextVectorKey = "nextval('search.vector_keys')";

    public DbSet<RepoDocument> Documents => Set<RepoDocument>();
    public DbSet<TextEmbedding> Embeddings => Set<TextEmbedding>();
    public DbSet<StoredCard> Cards => Set<StoredCard>();
    public DbSet<CardChunk> Chunks => Set<CardChunk>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.Entity<RepoDocument>(d =>
        {
            d.HasKey(x => new { x.RepoType, x.Id });
            d.Property(x => x.RepoType).HasMaxLength(8);
            // The id's words weigh most, then task and library, then tags and the rest of the text.
            d.Property(x => x.SearchVector)
                .HasComputedColumnSql("""
                    setweight(to_tsvector('simple'::regconfig, translate(id, '/-_.', '    ')), 'A') ||
                    setweight(to_tsvector('english'::regconfig, coalesce(pipeline_tag, '') || ' ' || coalesce(library_name, '')), 'B') ||
                    setweight(to_tsvector('english'::regconfig, tag_text), 'C') ||
                    setweight(to_tsvector('english'::regconfig, text || ' ' || card_text), 'D')
                    """, stored: true);
            // New entries gather in the index's pending list and go into the tree in sorted batches; a 16 MB list
            // (the default is 4 MB) takes a crawl's pages in fewer, larger batches: 30 % less time per new row.
            d.HasIndex(x => x.SearchVector).HasMethod("GIN").HasStorageParameter("gin_pending_list_limit", 16384);
            // The key only orders the embedding backlog (the vector index is keyed by the texts' keys), so no
            // unique index keeps it: every listed repo paid one more index insert for nothing.
            d.Property(x => x.Key).HasDefaultValueSql(NextVectorKey);
            d.HasIndex(x => x.TextHash);
            // The change feed the replicas' indexes follow: only rows with a vector have anything to index, so a
            // listed repo waiting for its vector (every repo of a first crawl) costs this index nothing until then.
            d.HasIndex(x => x.VectorVersion).HasFilter("embedded");
            // The embedding backlog: rows still waiting for their text's vector, found without a scan of every row.
            d.HasIndex(x => x.Key, "ix_documents_waiting").HasFilter("NOT embedded");
            // Selective filters (an author, a task) are counted and listed by index for exact semantic scoring.
            d.HasIndex(x => new { x.RepoType, x.Author });
            d.HasIndex(x => new { x.RepoType, x.PipelineTag });
        });
        modelBuilder.Entity<StoredCard>(c =>
        {
            c.HasKey(x => new { x.RepoType, x.Id });
            c.Property(x => x.RepoType).HasMaxLength(8);
        });
        modelBuilder.Entity<CardChunk>(c =>
        {
            c.HasKey(x => new { x.RepoType, x.Id, x.Ordinal });
            c.Property(x => x.RepoType).HasMaxLength(8);
            c.Property(x => x.Key).HasDefaultValueSql(NextVectorKey);
            c.HasIndex(x => x.TextHash);
            c.HasIndex(x => x.VectorVersion).HasFilter("embedded");
            c.HasIndex(x => x.Key, "ix_chunks_waiting").HasFilter("NOT embedded");
        });
        modelBuilder.HasSequence<long>("vector_versions", Schema);
        // One key space for documents, card chunks and texts; the vector index is keyed by the texts' keys.
        modelBuilder.HasSequence<long>("vector_keys", Schema);
        modelBuilder.Entity<TextEmbedding>(e =>
        {
            e.HasKey(x => x.TextHash);
            e.Property(x => x.Key).HasDefaultValueSql(NextVectorKey);
            e.HasAlternateKey(x => x.Key);
        });
        modelBuilder.UseSnakeCaseNames();
    }
}

/// <summary>What search knows of a repo: its facts for filters and display, and the text it is found by.</summary>
public sealed class RepoDocument
{
    public string RepoType { get; set; } = "model";
    public string Id { get; set; } = "";
    public string Author { get; set; } = "";
    public string? PipelineTag { get; set; }
    public string? LibraryName { get; set; }
    public string? License { get; set; }
    public string[] Tags { get; set; } = [];
    /// <summary>The tags as one string: a generated column may only use immutable functions, and array_to_string is not.</summary>
    public string TagText { get; set; } = "";
    public string Text { get; set; } = "";
    /// <summary>The card's prose (from <see cref="StoredCard"/>), found by keyword search; empty until the card arrives.</summary>
    public string CardText { get; set; } = "";
    /// <summary>When the card in <see cref="CardText"/> was fetched: tells a document whose card text is behind its stored card.</summary>
    public DateTimeOffset? CardFetchedAt { get; set; }
    public long Downloads { get; set; }
    public long Likes { get; set; }
    public DateTimeOffset? CreatedAt { get; set; }
    /// <summary>Parameters of a model's weights (safetensors metadata); null for datasets and models that do not say.</summary>
    public long? Parameters { get; set; }
    public DateTimeOffset LastObservedAt { get; set; }
    public NpgsqlTsVector SearchVector { get; set; } = null!;
    /// <summary>The document's number in the vector index (USearch keys are integers).</summary>
    public long Key { get; set; }
    /// <summary>The text that is embedded for this repo, and its hash: identical texts share one vector.</summary>
    public string EmbeddingText { get; set; } = "";
    public string TextHash { get; set; } = "";
    /// <summary>Bumped (from a sequence) when the document's vector changes, so every replica's index can catch up.</summary>
    public long VectorVersion { get; set; }
    /// <summary>The Hub's trendingScore when last observed (recent likes, weighted by recency); null when the listing had none.</summary>
    public double? TrendingScore { get; set; }
    /// <summary>False while the text (hash) has no stored vector: the embedding worker's backlog, kept by a partial index.</summary>
    public bool Embedded { get; set; }
}

/// <summary>A vector of all-MiniLM-L6-v2 for one distinct text: the source of truth the ANN index is built from.</summary>
public sealed class TextEmbedding
{
    public string TextHash { get; set; } = "";
    public float[] Vector { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>The text's number in the vector index: one entry per distinct text, however many repos share it.</summary>
    public long Key { get; set; }
}

/// <summary>
/// The latest card of a repo, as prose. Kept apart from the document because a card may arrive before
/// the listing page that creates the document; the document picks it up when it is stored.
/// </summary>
public sealed class StoredCard
{
    public string RepoType { get; set; } = "model";
    public string Id { get; set; } = "";
    public string? Sha { get; set; }
    public DateTimeOffset FetchedAt { get; set; }
    public string Text { get; set; } = "";
}

/// <summary>One window-sized piece of a card: embedded and indexed on its own, so a repo is found by any part of its card.</summary>
public sealed class CardChunk
{
    public string RepoType { get; set; } = "model";
    public string Id { get; set; } = "";
    public int Ordinal { get; set; }
    /// <summary>The chunk's number in the vector index, from the same sequence as the documents' keys.</summary>
    public long Key { get; set; }
    public string Text { get; set; } = "";
    public string TextHash { get; set; } = "";
    public long VectorVersion { get; set; }
    /// <summary>False while the chunk's text has no stored vector (see <see cref="RepoDocument.Embedded"/>).</summary>
    public bool Embedded { get; set; }
}

public sealed class SearchDbContextFactory() : ServiceDbContextFactory<SearchDbContext>(SearchDbContext.Schema, options => new(options));
