using HubPlatform.Tests.Support;
using HubPlatform.Search.Embeddings;

namespace HubPlatform.Tests.Search.Unit;

public class CardTextTests
{
    [NeedsSharedDataFact(SharedNeed.Cards)]
    public void Strips_the_yaml_front_matter_of_a_real_card()
    {
        var readme = SampleCards.Get("AI8191/phi-2-role-play").Readme;
        Assert.StartsWith("---\nbase_model: microsoft/phi-2", readme);

        var text = CardText.StripFrontMatter(readme);

        Assert.StartsWith("\n# Model Card for phi-2-role-play", text);
        Assert.DoesNotContain("licence: license", text);
    }

    [Theory]
    [InlineData("# Title\n\nNo metadata.", "# Title\n\nNo metadata.")]
    [InlineData("---\r\nlicense: mit\r\n---\r\nBody", "Body")]
    [InlineData("---\nlicense: mit\n---", "")]
    [InlineData("---\nnever closed\n", "---\nnever closed\n")]
    [InlineData("Intro\n---\nnot: front matter\n---\n", "Intro\n---\nnot: front matter\n---\n")]
    public void Removes_only_a_leading_closed_front_matter(string readme, string expected) =>
        Assert.Equal(expected, CardText.StripFrontMatter(readme));

    [Fact]
    public void Keeps_prose_and_drops_markup_code_and_link_targets()
    {
        const string readme = """
            ---
            tags: [x]
            ---
            <!-- generated -->
            # Phi-2 Dialogue Summarization

            Fine-tuned from [microsoft/phi-2](https://huggingface.co/microsoft/phi-2) ![badge](https://img.shields.io/x.svg)
            for <b>dialogue</b> summarization.

            ```python
            from transformers import pipeline
            ```



            Limitations apply.
            """;

        Assert.Equal(
            "# Phi-2 Dialogue Summarization\n\nFine-tuned from microsoft/phi-2 \nfor dialogue summarization.\n\nLimitations apply.",
            CardText.ToPlainText(readme));
    }
}
