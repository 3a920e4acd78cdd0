using System.Text.Json;
using HubPlatform.Crawler.Hub;
using HubPlatform.Tests.Support;

namespace HubPlatform.Tests.Crawler.Unit;

public class ModelParserTests
{
    [Fact]
    public void Every_sample_model_parses_with_its_id_author_and_downloads()
    {
        foreach (var raw in SampleData.SampleModels)
        {
            var model = ModelParser.Parse(raw);
            Assert.Equal(raw.GetProperty("id").GetString(), model.Id);
            Assert.Equal(raw.GetProperty("author").GetString(), model.Author);
            Assert.Equal(raw.GetProperty("downloads").GetInt64(), model.Downloads);
        }
    }

    [Fact]
    public void Base_models_match_the_tags_and_card_of_the_sample()
    {
        var expected = IndependentLineage.ParentsByModel(SampleData.SampleModels);
        foreach (var raw in SampleData.SampleModels)
        {
            var model = ModelParser.Parse(raw);
            Assert.Equal(expected[model.Id].OrderBy(x => x, StringComparer.OrdinalIgnoreCase),
                model.BaseModels.Select(b => b.Id).OrderBy(x => x, StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void Typed_tags_give_the_relation_and_the_card_list_form_is_read()
    {
        var raw = SampleData.SampleModels.First(m => m.GetProperty("id").GetString() == "ALIN-LLM/finetune-llama-2-7b-chat-gsm8k");
        var model = ModelParser.Parse(raw);
        var parent = Assert.Single(model.BaseModels);
        Assert.Equal(("meta-llama/Llama-2-7b-chat-hf", "finetune"), (parent.Id, parent.Relation));
        Assert.Equal(6738415616, model.ParameterCount);
        Assert.Contains("openai/gsm8k", model.Datasets);
        Assert.Equal(["en"], model.Languages);
    }

    [Fact]
    public void The_unknown_creation_sentinel_becomes_null()
    {
        var model = ModelParser.Parse(Json("""{"id":"old/repo","createdAt":"2022-03-02T23:29:04.000Z"}"""));
        Assert.Null(model.CreatedAt);
        Assert.Equal("old", model.Author);
    }

    [Theory]
    [InlineData("false", "false")]
    [InlineData("\"auto\"", "auto")]
    [InlineData("\"manual\"", "manual")]
    [InlineData("true", "auto")]
    public void Gated_is_read_in_all_its_forms(string json, string expected) =>
        Assert.Equal(expected, ModelParser.Parse(Json($$"""{"id":"a/b","gated":{{json}}}""")).Gated);

    [Fact]
    public void Card_relation_and_legacy_finetuned_from_are_read_for_a_model_without_base_model_tags()
    {
        var model = ModelParser.Parse(Json("""
            {"id":"me/merged","tags":["transformers"],
             "cardData":{"base_model":["x/one","x/two","me/merged"],"base_model_relation":"merge","finetuned_from":"y/legacy","unknownField":1}}
            """));
        // The self-reference stays in the observation: lineage reports it (and never makes it an edge).
        Assert.Equal([("x/one", "merge"), ("x/two", "merge"), ("me/merged", "merge"), ("y/legacy", "finetune")],
            model.BaseModels.Select(b => (b.Id, b.Relation)));
    }

    [Fact]
    public void Base_model_tags_alone_decide_when_the_card_names_more()
    {
        // The sample's MatteoKhan/MistralGemma-7B-Merged: the Hub tagged it a finetune of gemma-7b,
        // its card lists Mistral-7B too. The Hub's tree of Mistral-7B does not count it.
        var raw = SampleData.SampleModels.First(m => m.GetProperty("id").GetString() == "MatteoKhan/MistralGemma-7B-Merged");
        Assert.Contains("mistralai/Mistral-7B-v0.1", raw.GetProperty("cardData").GetProperty("base_model").EnumerateArray()
            .Select(b => b.GetString()));
        Assert.Equal([("google/gemma-7b", "finetune")], ModelParser.Parse(raw).BaseModels.Select(b => (b.Id, b.Relation)));

        var self = ModelParser.Parse(Json("""
            {"id":"me/merged","tags":["base_model:me/merged"],"cardData":{"base_model":["x/one","x/two"],"finetuned_from":"y/legacy"}}
            """));
        Assert.Equal([("me/merged", null)], self.BaseModels.Select(b => (b.Id, b.Relation)));
    }

    [Fact]
    public void Missing_fields_are_not_an_error()
    {
        var model = ModelParser.Parse(Json("""{"id":"bare"}"""));
        Assert.Equal((0L, 0L, "false"), (model.Downloads, model.Likes, model.Gated));
        Assert.Empty(model.BaseModels);
        Assert.Null(model.PipelineTag);
    }

    [Fact]
    public void A_model_without_an_id_is_refused() =>
        Assert.Throws<FormatException>(() => ModelParser.Parse(Json("""{"downloads":3}""")));

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();
}
