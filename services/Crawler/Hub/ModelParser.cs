using System.Text.Json;
using HubPlatform.Contracts;
using static HubPlatform.Crawler.Hub.HubJson;

namespace HubPlatform.Crawler.Hub;

/// <summary>
/// Turns a model object from the Hub API into a <see cref="ModelObservation"/>. Real data is
/// uneven: every field may be missing or null, <c>base_model</c> is a string or a list, gating
/// is <c>false</c>, <c>"auto"</c> or <c>"manual"</c>, and old repos carry a sentinel creation date.
/// </summary>
public static class ModelParser
{
    /// <summary>The Hub's createdAt for repos older than its creation dates: it means "unknown".</summary>
    public static readonly DateTimeOffset UnknownCreatedAt = new(2022, 3, 2, 23, 29, 4, TimeSpan.Zero);

    public static readonly string[] Relations = ["finetune", "adapter", "quantized", "merge"];

    public static ModelObservation Parse(JsonElement model)
    {
        var id = Id(model, "model");
        var tags = Strings(model, "tags");
        var card = CardData(model);

        return new ModelObservation(
            Id: id,
            Author: Author(model, id),
            Sha: String(model, "sha"),
            CreatedAt: CreatedAt(model),
            LastModified: Date(model, "lastModified"),
            Private: Bool(model, "private"),
            Gated: Gated(model),
            Disabled: Bool(model, "disabled"),
            Downloads: Long(model, "downloads") ?? 0,
            DownloadsAllTime: Long(model, "downloadsAllTime"),
            Likes: Long(model, "likes") ?? 0,
            TrendingScore: Double(model, "trendingScore"),
            PipelineTag: String(model, "pipeline_tag"),
            LibraryName: String(model, "library_name") ?? (card.ValueKind == JsonValueKind.Object ? String(card, "library_name") : null),
            Tags: tags,
            License: License(tags, card),
            Languages: card.ValueKind == JsonValueKind.Object ? Strings(card, "language") : [],
            Datasets: Prefixed(tags, "dataset:").Concat(card.ValueKind == JsonValueKind.Object ? Strings(card, "datasets") : [])
                .Distinct(StringComparer.Ordinal).ToArray(),
            BaseModels: BaseModels(id, tags, card),
            ParameterCount: model.TryGetProperty("safetensors", out var st) && st.ValueKind == JsonValueKind.Object ? Long(st, "total") : null);
    }

    /// <summary>
    /// Base models, strongest statement first: typed tags <c>base_model:{relation}:X</c> (the
    /// Hub's own resolution), then untyped tags <c>base_model:X</c>. The card
    /// (<c>cardData.base_model</c> with <c>base_model_relation</c>, the legacy <c>finetuned_from</c>) is
    /// read only when the model carries no <c>base_model:</c> tag at all: the Hub computes those tags
    /// from the card when the repo is pushed, and its model tree counts the tags, so a card naming
    /// more (or other) bases than the tags must not add edges the Hub does not show.
    /// Untyped references keep a null relation for lineage to infer.
    /// </summary>
    public static IReadOnlyList<BaseModelReference> BaseModels(string id, IReadOnlyList<string> tags, JsonElement card)
    {
        var result = new List<BaseModelReference>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var tag in tags)
        {
            if (!IsBaseModelTag(tag))
            {
                continue;
            }
            var rest = tag["base_model:".Length..];
            var colon = rest.IndexOf(':');
            if (colon > 0 && Array.IndexOf(Relations, rest[..colon]) >= 0)
            {
                Add(rest[(colon + 1)..], rest[..colon]);
            }
        }
        foreach (var tag in tags)
        {
            if (IsBaseModelTag(tag) && !Relations.Any(r => tag.StartsWith($"base_model:{r}:", StringComparison.Ordinal)))
            {
                Add(tag["base_model:".Length..], null);
            }
        }
        if (!tags.Any(IsBaseModelTag) && card.ValueKind == JsonValueKind.Object)
        {
            var relation = String(card, "base_model_relation");
            relation = relation is not null && Array.IndexOf(Relations, relation) >= 0 ? relation : null;
            foreach (var parent in Strings(card, "base_model"))
            {
                Add(parent, relation);
            }
            foreach (var parent in Strings(card, "finetuned_from"))
            {
                Add(parent, "finetune");
            }
        }
        return result;

        void Add(string parent, string? relation)
        {
            parent = parent.Trim();
            // A model naming itself is a known data error. It is kept: lineage records and reports
            // self-references per snapshot (never as an edge, so no walk loops on it).
            if (parent.Length > 0 && seen.Add(parent))
            {
                result.Add(new BaseModelReference(parent, relation));
            }
        }
    }

    /// <summary>A <c>base_model:X</c> or <c>base_model:{relation}:X</c> tag: the Hub's verdict on the model's parents.</summary>
    public static bool IsBaseModelTag(string tag) => tag.StartsWith("base_model:", StringComparison.Ordinal);

    private static string? License(IReadOnlyList<string> tags, JsonElement card) =>
        Prefixed(tags, "license:").FirstOrDefault()
        ?? (card.ValueKind == JsonValueKind.Object ? First(Strings(card, "license")) : null);
}
