using System.Text.Json;
using HubPlatform.Tests.Support;

namespace HubPlatform.Tests.Search;

public sealed record SampleCard(string Id, string Readme);

/// <summary>The real model cards of the hub sample, read in place from ../shared/data (tests that use them need
/// <see cref="SharedNeed.Cards"/>).</summary>
public static class SampleCards
{
    private static readonly Lazy<IReadOnlyList<SampleCard>> Cards = new(() =>
        File.ReadLines(SharedData.Cards)
            .Where(l => !string.IsNullOrWhiteSpace(l))
            .Select(l => JsonSerializer.Deserialize<JsonElement>(l))
            .Select(e => new SampleCard(e.GetProperty("id").GetString()!, e.GetProperty("readme").GetString() ?? ""))
            .ToArray());

    public static IReadOnlyList<SampleCard> All => Cards.Value;

    public static SampleCard Get(string id) => All.Single(c => c.Id == id);
}
