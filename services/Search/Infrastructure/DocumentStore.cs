using HubPlatform.Contracts;
using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Search.Infrastructure;

/// <summary>Upserts a page of model documents in one statement; a replayed page writes the same rows.</summary>
public sealed class DocumentStore(SearchDbContext db)
{
    public async Task UpsertAsync(ModelsObserved page, CancellationToken cancellationToken)
    {
        var m = page.Models;
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO search.documents AS t (repo_type, id, author, pipeline_tag, library_name, license, tags, tag_text, text, downloads, likes, created_at, last_observed_at)
            SELECT 'model', u.id, u.author, u.pipeline_tag, u.library_name, u.license, string_to_array(u.tags, E'\x1f'), replace(u.tags, E'\x1f', ' '), u.text,
                   u.downloads, u.likes, u.created_at, {page.ObservedAt}
            FROM unnest({m.Select(x => x.Id).ToArray()}, {m.Select(x => x.Author).ToArray()}, {m.Select(x => x.PipelineTag).ToArray()},
                        {m.Select(x => x.LibraryName).ToArray()}, {m.Select(x => x.License).ToArray()},
                        {m.Select(x => string.Join('\x1f', x.Tags)).ToArray()}, {m.Select(DocumentText.For).ToArray()},
                        {m.Select(x => x.Downloads).ToArray()}, {m.Select(x => x.Likes).ToArray()}, {m.Select(x => x.CreatedAt).ToArray()})
                 AS u(id, author, pipeline_tag, library_name, license, tags, text, downloads, likes, created_at)
            ON CONFLICT (repo_type, id) DO UPDATE SET
                author = EXCLUDED.author, pipeline_tag = EXCLUDED.pipeline_tag, library_name = EXCLUDED.library_name,
                license = EXCLUDED.license, tags = EXCLUDED.tags, tag_text = EXCLUDED.tag_text, text = EXCLUDED.text, downloads = EXCLUDED.downloads,
                likes = EXCLUDED.likes, created_at = EXCLUDED.created_at, last_observed_at = EXCLUDED.last_observed_at
            WHERE t.last_observed_at <= EXCLUDED.last_observed_at
            """, cancellationToken);
    }
}

/// <summary>The searchable text of a model from its metadata: languages, datasets and base models in words.</summary>
public static class DocumentText
{
    public static string For(ModelObservation model) => string.Join(' ',
        new[] { model.Author }
            .Concat(model.Languages.Select(l => "language " + l))
            .Concat(model.Datasets.Select(d => "dataset " + d.Replace('/', ' ')))
            .Concat(model.BaseModels.Select(b => $"{b.Relation ?? "derived"} of {b.Id.Replace('/', ' ')}")));
}
