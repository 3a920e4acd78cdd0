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

    [Fact]
    public void Leaves_out_the_trainers_scores_placeholders_and_headings_left_empty()
    {
        const string readme = """
            # phi-2-samsum

            This model is a fine-tuned version of microsoft/phi-2 on the samsum dataset.
            It achieves the following results on the evaluation set:
            - Loss: 1.1759
            - Rouge1: 45.2

            ## Model description

            More information needed

            ## Intended uses & limitations

            Summarizes dialogues.

            ## Training procedure

            ### Training hyperparameters

            - learning_rate: 0.0002
            """;

        Assert.Equal(
            "# phi-2-samsum\n\nThis model is a fine-tuned version of microsoft/phi-2 on the samsum dataset.\n\n## Intended uses & " +
            "limitations\n\nSummarizes dialogues.",
            CardText.ToPlainText(readme));
    }

    [Fact]
    public void Leaves_out_the_hub_templates_own_words_and_its_unfilled_outline()
    {
        const string readme = """
            # Model Card for Model ID

            Provides chat for project Pet adoption

            ## Model Details

            ### Model Description

            This is the model card of a 🤗 transformers model that has been pushed on the Hub. This model card has been automatically generated.

            - **Developed by:** Siddhant
            - **Funded by [optional]:** [More Information Needed]

            ## Uses

            ### Direct Use

            [More Information Needed]

            ### Out-of-Scope Use

            Not for veterinary advice.

            ## Evaluation

            ### Testing Data, Factors & Metrics

            #### Testing Data

            [More Information Needed]
            """;

        Assert.Equal(
            "Provides chat for project Pet adoption\n\n## Model Details\n\n### Model Description\n\n- **Developed by:** Siddhant\n\n" +
            "## Uses\n\n### Out-of-Scope Use\n\nNot for veterinary advice.",
            CardText.ToPlainText(readme));
        // Kept whole when asked (how cards were embedded before).
        Assert.Contains("### Direct Use", CardText.ToPlainText(readme, keepBoilerplate: true));
    }

    [Fact]
    public void Drops_the_target_of_a_link_whose_text_has_brackets()
    {
        const string readme = "Fine-tuned on the [['argilla/dpo-mix-7k']](https://huggingface.co/datasets/['argilla/dpo-mix-7k']) dataset.";
        Assert.Equal("Fine-tuned on the ['argilla/dpo-mix-7k'] dataset.", CardText.ToPlainText(readme));
    }
}
