using HubPlatform.Contracts;
using HubPlatform.Search.Embeddings;
using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Search.Infrastructure;

/// <summary>
/// Stores fetched cards: the prose for keyword search and its chunks for the embedding worker. Nothing
/// is embedded here; a chunk's vector version moves only when its text changes, so a re-fetched card
/// that did not change costs no inference. An older fetch never overwrites a newer one.
/// </summary>
public sealed class CardStore(SearchDbContext db, CardChunker chunker)
{
    // Enough prose for keyword search: the tail of long cards is tables, logs and citations.
    public const int MaxCardTextLength = 20_000;

    public async Task<int> UpsertAsync(CardsFetched page, CancellationToken cancellationToken)
    {
        var repoType = page.RepoType.Name();
        var cards = page.Cards.GroupBy(c => c.Id, StringComparer.Ordinal).Select(g => g.Last()).ToArray();
        var texts = cards.Select(c => Truncate(CardText.ToPlainText(c.Text ?? ""))).ToArray();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var applied = (await db.Database.SqlQuery<string>($"""
            INSERT INTO search.cards AS t (repo_type, id, sha, fetched_at, text)
            SELECT {repoType}, u.id, u.sha, {page.FetchedAt}, u.text
            FROM unnest({cards.Select(c => c.Id).ToArray()}, {cards.Select(c => c.Sha).ToArray()}, {texts}) AS u(id, sha, text)
            ON CONFLICT (repo_type, id) DO UPDATE SET sha = EXCLUDED.sha, fetched_at = EXCLUDED.fetched_at, text = EXCLUDED.text
            WHERE t.fetched_at <= EXCLUDED.fetched_at
            RETURNING t.id AS "Value"
            """).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        var chunks = cards.Where(c => applied.Contains(c.Id))
            .SelectMany(c => chunker.Chunk(c.Text ?? "").Select((chunk, ordinal) => (c.Id, Ordinal: ordinal, Chunk: chunk)))
            .ToArray();
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO search.chunks AS t (repo_type, id, ordinal, text, text_hash, vector_version, embedded)
            SELECT {repoType}, u.id, u.ordinal, u.text, u.text_hash, nextval('search.vector_versions'), false
            FROM unnest({chunks.Select(c => c.Id).ToArray()}, {chunks.Select(c => c.Ordinal).ToArray()},
                        {chunks.Select(c => c.Chunk.Text).ToArray()}, {chunks.Select(c => c.Chunk.Hash).ToArray()}) AS u(id, ordinal, text, text_hash)
            ON CONFLICT (repo_type, id, ordinal) DO UPDATE SET text = EXCLUDED.text, text_hash = EXCLUDED.text_hash,
                vector_version = CASE WHEN t.text_hash = EXCLUDED.text_hash THEN t.vector_version ELSE EXCLUDED.vector_version END,
                embedded = t.embedded AND t.text_hash = EXCLUDED.text_hash
            """, cancellationToken);
        // A card that got shorter leaves chunks beyond its new end.
        var appliedIds = applied.ToArray();
        var counts = appliedIds.Select(id => chunks.Count(c => c.Id == id)).ToArray();
        await db.Database.ExecuteSqlAsync($"""
            DELETE FROM search.chunks c USING unnest({appliedIds}, {counts}) AS u(id, n)
            WHERE c.repo_type = {repoType} AND c.id = u.id AND c.ordinal >= u.n
            """, cancellationToken);
        await db.Database.ExecuteSqlAsync($"""
            UPDATE search.documents d SET card_text = c.text, card_fetched_at = c.fetched_at
            FROM search.cards c WHERE c.repo_type = d.repo_type AND c.id = d.id AND d.repo_type = {repoType} AND d.id = ANY({appliedIds})
            """, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return applied.Count;
    }

    private static string Truncate(string text) => text.Length <= MaxCardTextLength ? text : text[..MaxCardTextLength];
}
