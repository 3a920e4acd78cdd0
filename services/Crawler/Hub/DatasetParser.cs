using System.Text.Json;
using HubPlatform.Contracts;
using static HubPlatform.Crawler.Hub.HubJson;

namespace HubPlatform.Crawler.Hub;

/// <summary>
/// Turns a dataset object from the Hub API into a <see cref="DatasetObservation"/>. The Hub types
/// a dataset's facets as tags (<c>task_categories:X</c>, <c>modality:X</c>, <c>size_categories:X</c>,
/// <c>language:X</c>, <c>format:X</c>, <c>license:X</c>); older datasets have them only in their
/// card's front matter, which is the fallback. Every field may be missing.
/// </summary>
public static class DatasetParser
{
    public static DatasetObservation Parse(JsonElement dataset)
    {
        var id = Id(dataset, "dataset");
        var tags = Strings(dataset, "tags");
        var card = CardData(dataset);
        return new DatasetObservation(
            Id: id,
            Author: Author(dataset, id),
            Sha: String(dataset, "sha"),
            CreatedAt: CreatedAt(dataset),
            LastModified: Date(dataset, "lastModified"),
            Private: Bool(dataset, "private"),
            Gated: Gated(dataset),
            Disabled: Bool(dataset, "disabled"),
            Downloads: Long(dataset, "downloads") ?? 0,
            DownloadsAllTime: Long(dataset, "downloadsAllTime"),
            Likes: Long(dataset, "likes") ?? 0,
            TrendingScore: Double(dataset, "trendingScore"),
            Tags: tags,
            License: First(Typed(tags, "license:", card, "license")),
            Languages: Typed(tags, "language:", card, "language"),
            TaskCategories: Typed(tags, "task_categories:", card, "task_categories"),
            // Modalities and formats are the Hub's own detection; cards do not state them.
            Modalities: Prefixed(tags, "modality:").Distinct(StringComparer.Ordinal).ToArray(),
            SizeCategory: First(Typed(tags, "size_categories:", card, "size_categories")),
            Formats: Prefixed(tags, "format:").Distinct(StringComparer.Ordinal).ToArray(),
            PrettyName: card.ValueKind == JsonValueKind.Object ? String(card, "pretty_name") : null,
            Description: String(dataset, "description"));
    }
}
