using HubPlatform.Contracts;
using HubPlatform.Search.Embeddings;

namespace HubPlatform.Search.Infrastructure;

/// <summary>The searchable text of a repo from its metadata: languages, datasets, base models and tasks in words.</summary>
public static class DocumentText
{
    public static DocumentRow Row(ModelObservation model) => new(
        model.Id, model.Author, model.PipelineTag, model.LibraryName, model.License, model.Tags, For(model),
        model.Downloads, model.Likes, model.CreatedAt, model.ParameterCount, model.TrendingScore, new EmbeddingText(ForEmbedding(model)));

    /// <summary>
    /// A dataset's task is its first task category (the Hub's datasets have no pipeline tag), so the
    /// pipelineTag filter and facts work for both kinds.
    /// </summary>
    public static DocumentRow Row(DatasetObservation dataset) => new(
        dataset.Id, dataset.Author, dataset.TaskCategories is [var task, ..] ? task : null, null, dataset.License, dataset.Tags, For(dataset),
        dataset.Downloads, dataset.Likes, dataset.CreatedAt, null, dataset.TrendingScore, new EmbeddingText(ForEmbedding(dataset)));

    /// <summary>
    /// What the embedding model reads: the id and task in words, then the metadata text. Downloads
    /// and likes stay out, so a new snapshot re-embeds only models whose description changed.
    /// </summary>
    public static string ForEmbedding(ModelObservation model) => Join(
        Words(model.Id), model.PipelineTag?.Replace('-', ' '), model.LibraryName,
        string.Join(' ', model.Tags.Where(t => !t.Contains(':'))), For(model));

    public static string For(ModelObservation model) => string.Join(' ',
        new[] { model.Author }
            .Concat(model.Languages.Select(l => "language " + l))
            .Concat(model.Datasets.Select(d => "dataset " + d.Replace('/', ' ')))
            .Concat(model.BaseModels.Select(b => $"{b.Relation ?? "derived"} of {b.Id.Replace('/', ' ')}")));

    /// <summary>A dataset reads as its name, its pretty name and description, then its tasks and modalities in words.</summary>
    public static string ForEmbedding(DatasetObservation dataset) => Join(
        Words(dataset.Id), dataset.PrettyName, dataset.Description, For(dataset));

    public static string For(DatasetObservation dataset) => string.Join(' ',
        new[] { dataset.Author, dataset.PrettyName ?? "", dataset.Description ?? "" }
            .Concat(dataset.TaskCategories.Select(t => t.Replace('-', ' ')))
            .Concat(dataset.Modalities.Select(m => "modality " + m))
            .Concat(dataset.Languages.Select(l => "language " + l))
            .Concat(dataset.SizeCategory is { } size ? ["size " + size] : [])
            .Where(p => p.Length > 0));

    private static string Words(string id) => id.Replace('/', ' ').Replace('-', ' ').Replace('_', ' ');

    private static string Join(params string?[] parts) => string.Join(". ", parts.Where(p => !string.IsNullOrWhiteSpace(p)));
}
