using System.Net;
using System.Text.Json;
using HubPlatform.Crawler.Hub;
using HubPlatform.Tests.Support;

namespace HubPlatform.Tests.Lineage.Integration;

/// <summary>
/// The real sample through the crawler's parser into lineage: every base model's tree must count
/// what huggingface.co shows on its page, the models tagged <c>base_model:{relation}:{base}</c>,
/// counted here from the raw file.
/// </summary>
[Collection(ServersCollection.Name)]
public class SampleModelTreeTests(LineageFixture lineage) : IClassFixture<LineageFixture>
{
    private static readonly string[] Relations = ["finetune", "adapter", "quantized", "merge"];

    [Fact]
    public async Task Every_base_model_of_the_sample_has_the_children_per_relation_its_tags_give()
    {
        var pages = SampleData.SampleModels.Select(ModelParser.Parse).Chunk(200).ToArray();
        await lineage.PublishSnapshotAsync(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero), pages);

        var tagged = IndependentLineage.TaggedChildren(SampleData.SampleModels);
        // Every id named as a base anywhere, by a tag or by a card: a base only a card names must have no children.
        var named = tagged.Keys.Select(k => k.Base).Concat(SampleData.SampleModels.SelectMany(CardBases))
            .Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToArray();
        Assert.True(tagged.Values.Sum() > 1000, $"{tagged.Values.Sum()} typed base_model tags in the sample");
        // The sample's MatteoKhan/MistralGemma-7B-Merged names Mistral-7B in its card only: no child of it on the Hub.
        Assert.Contains(named, b => !tagged.Keys.Any(k => k.Base.Equals(b, StringComparison.OrdinalIgnoreCase)));

        foreach (var id in named)
        {
            var expected = Relations.Select(r => (long)tagged.GetValueOrDefault((id, r))).ToArray();
            using var response = await lineage.Client.GetAsync($"/api/lineage/{id}");
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                Assert.True(expected.All(n => n == 0), $"{id} is not in the graph but has tagged children");
                continue;
            }
            Assert.True(response.IsSuccessStatusCode, $"{id}: {(int)response.StatusCode}");
            var children = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("children");
            long[] actual =
            [
                children.GetProperty("finetunes").GetInt64(), children.GetProperty("adapters").GetInt64(),
                children.GetProperty("quantizations").GetInt64(), children.GetProperty("merges").GetInt64(),
            ];
            Assert.Equal($"{id}: {string.Join(", ", expected)}", $"{id}: {string.Join(", ", actual)}");
        }
    }

    private static IEnumerable<string> CardBases(JsonElement model) =>
        model.TryGetProperty("cardData", out var card) && card.ValueKind == JsonValueKind.Object && card.TryGetProperty("base_model", out var b)
            ? b.ValueKind switch
            {
                JsonValueKind.String => [b.GetString()!.Trim()],
                JsonValueKind.Array => b.EnumerateArray().Where(p => p.ValueKind == JsonValueKind.String).Select(p => p.GetString()!.Trim()),
                _ => [],
            }
            : [];
}
