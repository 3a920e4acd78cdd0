namespace HubPlatform.Contracts;

/// <summary>
/// One listing page of models as the Hub showed them at <paramref name="ObservedAt"/>.
/// A page is the unit of delivery: consumers upsert it by (snapshot, model id), so a redelivered
/// page changes nothing.
/// </summary>
public sealed record ModelsObserved(
    Guid SnapshotId,
    int Page,
    DateTimeOffset ObservedAt,
    IReadOnlyList<ModelObservation> Models);

/// <summary>
/// A model's public metadata, normalised by the crawler from the Hub's JSON. Every field the Hub
/// may leave out is nullable; <see cref="CreatedAt"/> is null when the Hub only knows its
/// "older than creation dates" sentinel.
/// </summary>
public sealed record ModelObservation(
    string Id,
    string Author,
    string? Sha,
    DateTimeOffset? CreatedAt,
    DateTimeOffset? LastModified,
    bool Private,
    string Gated,
    bool Disabled,
    long Downloads,
    long? DownloadsAllTime,
    long Likes,
    double? TrendingScore,
    string? PipelineTag,
    string? LibraryName,
    IReadOnlyList<string> Tags,
    string? License,
    IReadOnlyList<string> Languages,
    IReadOnlyList<string> Datasets,
    IReadOnlyList<BaseModelReference> BaseModels,
    long? ParameterCount);

/// <summary>
/// A declared base model. <paramref name="Relation"/> is the Hub's word (finetune, adapter,
/// quantized, merge) when the model states it, or null when only the base is named and the
/// relation has to be inferred.
/// </summary>
public sealed record BaseModelReference(string Id, string? Relation);

public static class ModelsObservedChecks
{
    /// <summary>
    /// Refuses a page no consumer can store (a model without an id). It throws FormatException,
    /// which the bus does not retry: the page goes straight to the error queue with this reason.
    /// </summary>
    public static void EnsureStorable(this ModelsObserved page)
    {
        if (page.Models is null || page.Models.Any(m => string.IsNullOrEmpty(m?.Id)))
        {
            throw new FormatException($"ModelsObserved page {page.Page} of snapshot {page.SnapshotId} has a model without an id.");
        }
    }
}
