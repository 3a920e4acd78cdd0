using System.Text.Json;
using HubPlatform.Contracts;
using static HubPlatform.Crawler.Hub.HubJson;

namespace HubPlatform.Crawler.Hub;

/// <summary>
/// Turns a space object from the Hub API into a <see cref="SpaceObservation"/>: its SDK (the field,
/// else the card's), the models and datasets it uses (the Hub's lists, else the card's), and its
/// title from the card. Spaces have likes but no downloads.
/// </summary>
public static class SpaceParser
{
    public static SpaceObservation Parse(JsonElement space)
    {
        var id = Id(space, "space");
        var tags = Strings(space, "tags");
        var card = CardData(space);
        return new SpaceObservation(
            Id: id,
            Author: Author(space, id),
            Sha: String(space, "sha"),
            CreatedAt: CreatedAt(space),
            LastModified: Date(space, "lastModified"),
            Private: Bool(space, "private"),
            Disabled: Bool(space, "disabled"),
            Likes: Long(space, "likes") ?? 0,
            TrendingScore: Double(space, "trendingScore"),
            Sdk: String(space, "sdk") ?? (card.ValueKind == JsonValueKind.Object ? String(card, "sdk") : null),
            Tags: tags,
            License: First(Typed(tags, "license:", card, "license")),
            Models: Listed(space, "models", card),
            Datasets: Listed(space, "datasets", card),
            Title: card.ValueKind == JsonValueKind.Object ? String(card, "title") : null);
    }

    private static string[] Listed(JsonElement space, string field, JsonElement card)
    {
        var listed = Strings(space, field);
        return (listed.Count > 0 ? listed : CardStrings(card, field)).Distinct(StringComparer.Ordinal).ToArray();
    }
}
