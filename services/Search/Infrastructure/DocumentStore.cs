using HubPlatform.Contracts;
using HubPlatform.Search.Embeddings;
using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Search.Infrastructure;

/// <summary>Upserts a page of model documents in one statement; a replayed page writes the same rows.</summary>
public sealed class DocumentStore(SearchDbContext db)
{
    public async Task UpsertAsync(ModelsObserved page, CancellationToken cancellationToken)
    {
        var m = page.Models;
        var embedding = m.Select(x => new EmbeddingText(DocumentText.ForEmbedding(x))).ToArray();
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO search.documents AS t (repo_type, id, author, pipeline_tag, library_name, license, tags, tag_text, text, downloads, likes, created_at, last_observed_at,
                                               embedding_text, text_hash, vector_version)
            SELECT 'model', u.id, u.author, u.pipeline_tag, u.library_name, u.license, string_to_array(u.tags, E'\x1f'), replace(u.tags, E'\x1f', ' '), u.text,
                   u.downloads, u.likes, u.created_at, {page.ObservedAt}, u.embedding_text, u.text_hash, nextval('search.vector_versions')
            FROM unnest({m.Select(x => x.Id).ToArray()}, {m.Select(x => x.Author).ToArray()}, {m.Select(x => x.PipelineTag).ToArray()},
                        {m.Select(x => x.LibraryName).ToArray()}, {m.Select(x => x.License).ToArray()},
                        {m.Select(x => string.Join('\x1f', x.Tags)).ToArray()}, {m.Select(DocumentText.For).ToArray()},
                        {m.Select(x => x.Downloads).ToArray()}, {m.Select(x => x.Likes).ToArray()}, {m.Select(x => x.CreatedAt).ToArray()},
                        {embedding.Select(e => e.Text).ToArray()}, {embedding.Select(e => e.Hash).ToArray()})
                 AS u(id, author, pipeline_tag, library_name, license, tags, text, downloads, likes, created_at, embedding_text, text_hash)
            ON CONFLICT (repo_type, id) DO UPDATE SET
                author = EXCLUDED.author, pipeline_tag = EXCLUDED.pipeline_tag, library_name = EXCLUDED.library_name,
                license = EXCLUDED.license, tags = EXCLUDED.tags, tag_text = EXCLUDED.tag_text, text = EXCLUDED.text, downloads = EXCLUDED.downloads,
                likes = EXCLUDED.likes, created_at = EXCLUDED.created_at, last_observed_at = EXCLUDED.last_observed_at,
                embedding_text = EXCLUDED.embedding_text, text_hash = EXCLUDED.text_hash,
                vector_version = CASE WHEN t.text_hash = EXCLUDED.text_hash THEN t.vector_version ELSE EXCLUDED.vector_version END
            WHERE t.last_observed_at <= EXCLUDED.last_observed_at
            """, cancellationToken);
    }
}

/// <summary>The searchable text of a model from its metadata: languages, datasets and base models in words.</summary>
public static class DocumentText
{
    /// <summary>
    /// What the embedding model reads: the id and task in words, then the metadata text. Downloads
    /// and likes stay out, so a new snapshot re-embeds only models whose description changed.
    /// </summary>
    public static string ForEmbedding(ModelObservation model) => string.Join(". ",
        new[] { model.Id.Replace('/', ' ').Replace('-', ' ').Replace('_', ' '), model.PipelineTag?.Replace('-', ' '), model.LibraryName,
                string.Join(' ', model.Tags.Where(t => !t.Contains(':'))), For(model) }
            .Where(p => !string.IsNullOrWhiteSpace(p)));

    public static string For(ModelObservation model) => string.Join(' ',
        new[] { model.Author }
            .Concat(model.Languages.Select(l => "language " + l))
            .Concat(model.Datasets.Select(d => "dataset " + d.Replace('/', ' ')))
            .Concat(model.BaseModels.Select(b => $"{b.Relation ?? "derived"} of {b.Id.Replace('/', ' ')}")));
}
