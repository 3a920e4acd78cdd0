using Microsoft.EntityFrameworkCore;
using HubPlatform.Search.Infrastructure;

namespace HubPlatform.Search.Pipeline;

public sealed record TextToEmbed(string TextHash, string Text);

public sealed record VersionedKey(long Key, long Version);

public sealed record VersionedVector(long Key, long Version, float[] Vector);

/// <summary>
/// The rows that carry a vector: a document's own text and each chunk of its card share one key space
/// and one version sequence, so the worker treats them alike.
/// </summary>
public static class VectorRows
{
    /// <summary>
    /// Distinct texts that have no vector yet, each once: documents' own texts before card chunks, so every
    /// repo gets a vector (and "similar" answers for it) long before the cards' backlog is through.
    /// </summary>
    public static async Task<List<TextToEmbed>> MissingAsync(SearchDbContext db, int limit, CancellationToken ct)
    {
        var texts = await db.Database.SqlQuery<TextToEmbed>($"""
            SELECT d.text_hash AS "TextHash", min(d.embedding_text) AS "Text"
            FROM search.documents d
            WHERE NOT EXISTS (SELECT 1 FROM search.embeddings e WHERE e.text_hash = d.text_hash)
            GROUP BY d.text_hash
            LIMIT {limit}
            """).ToListAsync(ct);
        if (texts.Count < limit)
        {
            var taken = texts.Select(t => t.TextHash).ToArray();
            texts.AddRange(await db.Database.SqlQuery<TextToEmbed>($"""
                SELECT c.text_hash AS "TextHash", min(c.text) AS "Text"
                FROM search.chunks c
                WHERE NOT EXISTS (SELECT 1 FROM search.embeddings e WHERE e.text_hash = c.text_hash)
                  AND c.text_hash <> ALL({taken})
                GROUP BY c.text_hash
                LIMIT {limit - texts.Count}
                """).ToListAsync(ct));
        }
        return texts;
    }

    public static Task<long> BacklogAsync(SearchDbContext db, CancellationToken ct) =>
        db.Database.SqlQuery<long>($"""
            SELECT count(DISTINCT t.text_hash) AS "Value"
            FROM (SELECT text_hash FROM search.documents UNION ALL SELECT text_hash FROM search.chunks) t
            WHERE NOT EXISTS (SELECT 1 FROM search.embeddings e WHERE e.text_hash = t.text_hash)
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
