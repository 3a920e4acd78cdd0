using Microsoft.EntityFrameworkCore;
using HubPlatform.Search.Infrastructure;

namespace HubPlatform.Search.Pipeline;

public sealed record TextToEmbed(string TextHash, string Text, bool Stored);

public sealed record VersionedKey(long Key, long Version);

public sealed record VersionedVector(long Key, long Version, float[] Vector);

/// <summary>
/// The rows that carry a vector: a document's own text and each chunk of its card share one key space
/// and one version sequence, so the worker treats them alike.
/// </summary>
public static class VectorRows
{
    /// <summary>
    /// Distinct texts of rows still waiting for a vector (embedded = false, found through partial indexes, so
    /// the cost follows the backlog and not the table), from at most <paramref name="rows"/> rows: documents'
    /// own texts before card chunks, so every repo gets a vector (and "similar" answers for it) long before the
    /// cards' backlog is through. <see cref="TextToEmbed.Stored"/> marks texts another row already got a vector for.
    /// </summary>
    public static async Task<List<TextToEmbed>> WaitingAsync(SearchDbContext db, int rows, CancellationToken ct)
    {
        var texts = await db.Database.SqlQuery<TextToEmbed>($"""
            SELECT w.text_hash AS "TextHash", min(w.text) AS "Text",
                   EXISTS (SELECT 1 FROM search.embeddings e WHERE e.text_hash = w.text_hash) AS "Stored"
            FROM (SELECT text_hash, embedding_text AS text FROM search.documents WHERE NOT embedded ORDER BY key LIMIT {rows}) w
            GROUP BY w.text_hash
            """).ToListAsync(ct);
        if (texts.Count == 0)
        {
            texts = await db.Database.SqlQuery<TextToEmbed>($"""
                SELECT w.text_hash AS "TextHash", min(w.text) AS "Text",
                       EXISTS (SELECT 1 FROM search.embeddings e WHERE e.text_hash = w.text_hash) AS "Stored"
                FROM (SELECT text_hash, text FROM search.chunks WHERE NOT embedded ORDER BY key LIMIT {rows}) w
                GROUP BY w.text_hash
                """).ToListAsync(ct);
        }
        return texts;
    }

    /// <summary>Marks every waiting row of these texts embedded, with a new version so every replica's index picks it up.</summary>
    public static async Task MarkEmbeddedAsync(SearchDbContext db, string[] hashes, CancellationToken ct)
    {
        await db.Database.ExecuteSqlAsync(
            $"UPDATE search.documents SET embedded = true, vector_version = nextval('search.vector_versions') WHERE text_hash = ANY({hashes}) AND NOT embedded", ct);
        await db.Database.ExecuteSqlAsync(
            $"UPDATE search.chunks SET embedded = true, vector_version = nextval('search.vector_versions') WHERE text_hash = ANY({hashes}) AND NOT embedded", ct);
    }

    /// <summary>Distinct texts still waiting for a vector, counted over the waiting rows only.</summary>
    public static Task<long> BacklogAsync(SearchDbContext db, CancellationToken ct) =>
        db.Database.SqlQuery<long>($"""
            SELECT count(DISTINCT t.text_hash) AS "Value"
            FROM (SELECT text_hash FROM search.documents WHERE NOT embedded UNION ALL SELECT text_hash FROM search.chunks WHERE NOT embedded) t
            """).SingleAsync(ct);

    /// <summary>Rows with a vector whose version is above <paramref name="after"/>, oldest first.</summary>
    public static Task<List<VersionedVector>> ChangedAsync(SearchDbContext db, long after, int limit, CancellationToken ct) =>
        db.Database.SqlQuery<VersionedVector>($"""
            SELECT v.key AS "Key", v.vector_version AS "Version", e.vector AS "Vector"
            FROM (SELECT key, text_hash, vector_version FROM search.documents WHERE vector_version > {after}
                  UNION ALL SELECT key, text_hash, vector_version FROM search.chunks WHERE vector_version > {after}) v
            JOIN search.embeddings e ON e.text_hash = v.text_hash
            ORDER BY v.vector_version
            LIMIT {limit}
            """).ToListAsync(ct);

    /// <summary>Keys and versions of the rows with a vector whose version is in (<paramref name="after"/>, <paramref name="upTo"/>].</summary>
    public static Task<List<VersionedKey>> VersionsAsync(SearchDbContext db, long after, long upTo, CancellationToken ct) =>
        db.Database.SqlQuery<VersionedKey>($"""
            SELECT v.key AS "Key", v.vector_version AS "Version"
            FROM (SELECT key, text_hash, vector_version FROM search.documents WHERE vector_version > {after} AND vector_version <= {upTo}
                  UNION ALL SELECT key, text_hash, vector_version FROM search.chunks WHERE vector_version > {after} AND vector_version <= {upTo}) v
            WHERE EXISTS (SELECT 1 FROM search.embeddings e WHERE e.text_hash = v.text_hash)
            """).ToListAsync(ct);

    public static Task<List<VersionedVector>> VectorsAsync(SearchDbContext db, long[] keys, CancellationToken ct) =>
        db.Database.SqlQuery<VersionedVector>($"""
            SELECT v.key AS "Key", v.vector_version AS "Version", e.vector AS "Vector"
            FROM (SELECT key, text_hash, vector_version FROM search.documents WHERE key = ANY({keys})
                  UNION ALL SELECT key, text_hash, vector_version FROM search.chunks WHERE key = ANY({keys})) v
            JOIN search.embeddings e ON e.text_hash = v.text_hash
            """).ToListAsync(ct);
}
