using HubPlatform.Contracts;
using HubPlatform.Search.Embeddings;
using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Search.Infrastructure;

/// <summary>A repo as search stores it, whichever listing it came from.</summary>
public sealed record DocumentRow(
    string Id, string Author, string? PipelineTag, string? LibraryName, string? License, IReadOnlyList<string> Tags,
    string Text, long Downloads, long Likes, DateTimeOffset? CreatedAt, long? Parameters, double? TrendingScore, EmbeddingText Embedding);

/// <summary>
/// Upserts a page of documents in one statement; a replayed page writes the same rows, and an older
/// page never overwrites a newer one. The vector version moves only when the embedded text changes, and
/// then the row waits (embedded = false) until the worker has a vector for its new text.
/// </summary>
public sealed class DocumentStore(SearchDbContext db)
{
    public Task UpsertAsync(ModelsObserved page, CancellationToken cancellationToken) =>
        UpsertAsync(RepoType.Model, page.ObservedAt, page.Models.Select(DocumentText.Row).ToArray(), cancellationToken);

    public Task UpsertAsync(DatasetsObserved page, CancellationToken cancellationToken) =>
        UpsertAsync(RepoType.Dataset, page.ObservedAt, page.Datasets.Select(DocumentText.Row).ToArray(), cancellationToken);

    private async Task UpsertAsync(RepoType type, DateTimeOffset observedAt, DocumentRow[] m, CancellationToken cancellationToken)
    {
        var repoType = type.Name();
        // A page listing a repo twice keeps its last row: one statement may not update a row twice.
        m = m.GroupBy(x => x.Id, StringComparer.Ordinal).Select(g => g.Last()).ToArray();
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO search.documents AS t (repo_type, id, author, pipeline_tag, library_name, license, tags, tag_text, text,
                                               card_text, card_fetched_at, downloads, likes, created_at, parameters, trending_score,
                                               last_observed_at, embedding_text, text_hash, vector_version, embedded)
            SELECT {repoType}, u.id, u.author, u.pipeline_tag, u.library_name, u.license,
                   string_to_array(u.tags, E'\x1f'), replace(u.tags, E'\x1f', ' '), u.text,
                   coalesce(c.text, ''), c.fetched_at, u.downloads, u.likes, u.created_at, u.parameters, u.trending_score, {observedAt},
                   u.embedding_text, u.text_hash, nextval('search.vector_versions'), false
            FROM unnest({m.Select(x => x.Id).ToArray()}, {m.Select(x => x.Author).ToArray()}, {m.Select(x => x.PipelineTag).ToArray()},
                        {m.Select(x => x.LibraryName).ToArray()}, {m.Select(x => x.License).ToArray()},
                        {m.Select(x => string.Join('\x1f', x.Tags)).ToArray()}, {m.Select(x => x.Text).ToArray()},
                        {m.Select(x => x.Downloads).ToArray()}, {m.Select(x => x.Likes).ToArray()}, {m.Select(x => x.CreatedAt).ToArray()},
                        {m.Select(x => x.Parameters).ToArray()}, {m.Select(x => x.TrendingScore).ToArray()},
                        {m.Select(x => x.Embedding.Text).ToArray()}, {m.Select(x => x.Embedding.Hash).ToArray()})
                 AS u(id, author, pipeline_tag, library_name, license, tags, text, downloads, likes, created_at, parameters, trending_score,
                      embedding_text, text_hash)
            LEFT JOIN search.cards c ON c.repo_type = {repoType} AND c.id = u.id
            ON CONFLICT (repo_type, id) DO UPDATE SET
                author = EXCLUDED.author, pipeline_tag = EXCLUDED.pipeline_tag, library_name = EXCLUDED.library_name,
                license = EXCLUDED.license, tags = EXCLUDED.tags, tag_text = EXCLUDED.tag_text, text = EXCLUDED.text,
                -- The later card wins. This page read search.cards when its statement began; a card committed since then
                -- has already written its newer text into this row (CardStore), and the row lock made this update wait
                -- for it. A repo's card row is never deleted while its document lives, so no card read means the older.
                card_text = CASE WHEN t.card_fetched_at > EXCLUDED.card_fetched_at
                                   OR (EXCLUDED.card_fetched_at IS NULL AND t.card_fetched_at IS NOT NULL)
                                 THEN t.card_text ELSE EXCLUDED.card_text END,
                card_fetched_at = CASE WHEN t.card_fetched_at > EXCLUDED.card_fetched_at
                                         OR (EXCLUDED.card_fetched_at IS NULL AND t.card_fetched_at IS NOT NULL)
                                       THEN t.card_fetched_at ELSE EXCLUDED.card_fetched_at END,
                downloads = EXCLUDED.downloads, likes = EXCLUDED.likes, created_at = EXCLUDED.created_at, parameters = EXCLUDED.parameters,
                trending_score = EXCLUDED.trending_score, last_observed_at = EXCLUDED.last_observed_at,
                embedding_text = EXCLUDED.embedding_text, text_hash = EXCLUDED.text_hash,
                vector_version = CASE WHEN t.text_hash = EXCLUDED.text_hash THEN t.vector_version ELSE EXCLUDED.vector_version END,
                embedded = t.embedded AND t.text_hash = EXCLUDED.text_hash
            WHERE t.last_observed_at <= EXCLUDED.last_observed_at
            """, cancellationToken);
    }

    /// <summary>
    /// Gives documents the card text they missed. A document stored while its card's transaction was still
    /// open saw no card, and that card's update saw no document; neither waits for the other (that would
    /// serialize every page), so the embedding worker calls this now and then instead.
    /// </summary>
    public Task<int> CatchUpCardTextAsync(CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync($"""
            UPDATE search.documents d SET card_text = c.text, card_fetched_at = c.fetched_at
            FROM search.cards c
            WHERE c.repo_type = d.repo_type AND c.id = d.id AND d.card_fetched_at IS DISTINCT FROM c.fetched_at
            """, cancellationToken);

    /// <summary>
    /// Forgets repos the Hub no longer lists: their documents, cards and chunks. Their vectors stay in the
    /// embeddings table (another repo may share the text), and every replica drops the keys from its index
    /// at its next comparison with the database; until then a query simply finds no document for them.
    /// </summary>
    public async Task<int> RemoveAsync(RepoType type, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var repoType = type.Name();
        var idArray = ids.ToArray();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var removed = await db.Database.ExecuteSqlAsync(
            $"DELETE FROM search.documents WHERE repo_type = {repoType} AND id = ANY({idArray})", cancellationToken);
        await db.Database.ExecuteSqlAsync($"DELETE FROM search.cards WHERE repo_type = {repoType} AND id = ANY({idArray})", cancellationToken);
        await db.Database.ExecuteSqlAsync($"DELETE FROM search.chunks WHERE repo_type = {repoType} AND id = ANY({idArray})", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return removed;
    }
}

/// <summary>The repo types search holds (spaces are not searched); <c>repo_type</c> stores their words (<see cref="RepoTypeNames"/>).</summary>
public static class SearchRepoTypes
{
    public static IReadOnlyList<RepoType> All { get; } = [RepoType.Model, RepoType.Dataset];

    public static bool IsSearched(RepoType type) => All.Contains(type);
}
