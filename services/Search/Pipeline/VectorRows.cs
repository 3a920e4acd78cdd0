using HubPlatform.Contracts;
using Microsoft.EntityFrameworkCore;
using HubPlatform.Search.Infrastructure;

namespace HubPlatform.Search.Pipeline;

public sealed record TextToEmbed(string TextHash, string Text, bool Stored);

public sealed record VersionedKey(long Key, long Version);

public sealed record KeyedVector(long Key, float[] Vector);

public sealed record ChangedRow(long? Key, long Version);

/// <summary>
/// The rows that carry a text (a document's own text, each chunk of its card) and the vectors of the
/// distinct texts. The index holds one vector per distinct text, keyed by the embedding's key: templated
/// cards share a text, so thousands of repos share one entry. Rows share one version sequence, which is
/// the change feed every replica follows.
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

    /// <summary>
    /// The vector keys (one per distinct text) of rows whose version is above <paramref name="after"/>, oldest
    /// rows first, each with the highest version of those rows that names it; and the highest version read.
    /// Only embedded rows: a row waiting for its vector names no key yet, and marking it embedded gives it a
    /// new version (read through the partial index on embedded rows' versions, so a crawl's new rows, all
    /// waiting, cost the feed nothing: polled during a 200k-model ingest it read every new row, 84 ms a call).
    /// </summary>
    public static async Task<(List<VersionedKey> Keys, long UpTo)> ChangedAsync(SearchDbContext db, long after, int limit, CancellationToken ct)
    {
        var rows = await db.Database.SqlQuery<ChangedRow>($"""
            SELECT e.key AS "Key", v.vector_version AS "Version"
            FROM (SELECT text_hash, vector_version FROM (
                      SELECT text_hash, vector_version FROM search.documents WHERE embedded AND vector_version > {after}
                      UNION ALL SELECT text_hash, vector_version FROM search.chunks WHERE embedded AND vector_version > {after}) r
                  ORDER BY vector_version LIMIT {limit}) v
            LEFT JOIN search.embeddings e ON e.text_hash = v.text_hash
            """).ToListAsync(ct);
        var keys = rows.Where(r => r.Key is not null).GroupBy(r => r.Key!.Value).Select(g => new VersionedKey(g.Key, g.Max(r => r.Version))).ToList();
        return (keys, rows.Count == 0 ? after : rows.Max(r => r.Version));
    }

    /// <summary>The vector keys named by embedded rows whose version is in (<paramref name="after"/>, <paramref name="upTo"/>], each with the highest such version.</summary>
    public static Task<List<VersionedKey>> VersionsAsync(SearchDbContext db, long after, long upTo, CancellationToken ct) =>
        db.Database.SqlQuery<VersionedKey>($"""
            SELECT e.key AS "Key", max(v.vector_version) AS "Version"
            FROM (SELECT text_hash, vector_version FROM search.documents WHERE embedded AND vector_version > {after} AND vector_version <= {upTo}
                  UNION ALL SELECT text_hash, vector_version FROM search.chunks WHERE embedded AND vector_version > {after} AND vector_version <= {upTo}) v
            JOIN search.embeddings e ON e.text_hash = v.text_hash
            GROUP BY e.key
            """).ToListAsync(ct);

    public static Task<List<KeyedVector>> VectorsAsync(SearchDbContext db, long[] keys, CancellationToken ct) =>
        db.Database.SqlQuery<KeyedVector>($"""
            SELECT key AS "Key", vector AS "Vector" FROM search.embeddings WHERE key = ANY({keys})
            """).ToListAsync(ct);

    /// <summary>The vector keys of a repo's texts: its document's and its card chunks'.</summary>
    public static Task<List<long>> KeysOfAsync(SearchDbContext db, RepoType type, string id, CancellationToken ct) =>
        db.Database.SqlQuery<long>($"""
            SELECT DISTINCT e.key AS "Value"
            FROM (SELECT text_hash FROM search.documents WHERE repo_type = {type.Name()} AND id = {id}
                  UNION ALL SELECT text_hash FROM search.chunks WHERE repo_type = {type.Name()} AND id = {id}) v
            JOIN search.embeddings e ON e.text_hash = v.text_hash
            """).ToListAsync(ct);
}
