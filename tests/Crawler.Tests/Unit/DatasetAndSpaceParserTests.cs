using System.Text.Json;
using HubPlatform.Crawler.Hub;

namespace HubPlatform.Tests.Crawler.Unit;

/// <summary>Datasets, spaces and author overviews in the shapes the Hub sends, including its older and sparser ones.</summary>
public class DatasetAndSpaceParserTests
{
    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement;

    [Fact]
    public void A_dataset_reads_its_typed_tags()
    {
        var d = DatasetParser.Parse(Json("""
            {"_id":"1","id":"cais/mmlu","author":"cais","sha":"c30699e",
             "createdAt":"2022-03-02T23:29:04.000Z","lastModified":"2024-03-08T20:36:26.000Z",
             "private":false,"gated":"manual","disabled":false,"downloads":172310,"likes":440,"description":"Massive multitask",
             "tags":["task_categories:question-answering","task_ids:multiple-choice-qa","language:en","license:mit","size_categories:100K<n<1M",
                     "modality:text","format:parquet","format:optimized-parquet","library:datasets","region:us"],
             "cardData":{"license":"apache-2.0","task_categories":["text-generation"],
                         "pretty_name":"Measuring Massive Multitask Language Understanding"}}
            """));
        Assert.Equal(("cais/mmlu", "cais", "manual", 172310L, 440L), (d.Id, d.Author, d.Gated, d.Downloads, d.Likes));
        Assert.Null(d.CreatedAt); // the Hub's "older than creation dates" sentinel
        Assert.Equal(["question-answering"], d.TaskCategories); // tags win over the card
        Assert.Equal("mit", d.License);
        Assert.Equal(["en"], d.Languages);
        Assert.Equal("100K<n<1M", d.SizeCategory);
        Assert.Equal(["text"], d.Modalities);
        Assert.Equal(["parquet", "optimized-parquet"], d.Formats);
        Assert.Equal("Measuring Massive Multitask Language Understanding", d.PrettyName);
        Assert.Equal("Massive multitask", d.Description);
    }

    [Fact]
    public void A_dataset_without_typed_tags_falls_back_to_its_card_and_survives_missing_fields()
    {
        var d = DatasetParser.Parse(Json("""
            {"id":"someone/old-set","tags":["region:us"],"gated":false,
             "cardData":{"license":"cc-by-4.0","language":"fr","task_categories":["translation","summarization"],"size_categories":["1K<n<10K"]}}
            """));
        Assert.Equal(("someone", "false", 0L, (long?)null), (d.Author, d.Gated, d.Downloads, d.DownloadsAllTime));
        Assert.Equal("cc-by-4.0", d.License);
        Assert.Equal(["fr"], d.Languages);
        Assert.Equal(["translation", "summarization"], d.TaskCategories);
        Assert.Equal("1K<n<10K", d.SizeCategory);
        Assert.Empty(d.Modalities);
        Assert.Null(d.Sha);
        Assert.Null(d.CreatedAt);

        var bare = DatasetParser.Parse(Json("""{"id":"squad","cardData":null,"tags":null}"""));
        Assert.Equal(("squad", "squad"), (bare.Id, bare.Author));
        Assert.Empty(bare.TaskCategories);
        Assert.Throws<FormatException>(() => DatasetParser.Parse(Json("""{"downloads":3}""")));
    }

    [Fact]
    public void A_space_reads_its_sdk_models_and_title_from_the_listing_or_its_card()
    {
        var s = SpaceParser.Parse(Json("""
            {"id":"HuggingFaceH4/open_llm_leaderboard","author":"HuggingFaceH4","likes":13000,"sdk":"docker","createdAt":"2023-04-25T10:00:00.000Z",
             "models":["meta-llama/Llama-2-7b-hf","meta-llama/Llama-2-7b-hf"],"datasets":["open-llm-leaderboard/contents"],
             "tags":["docker","license:apache-2.0"],
             "cardData":{"title":"Open LLM Leaderboard","sdk":"gradio","models":["other/model"]}}
            """));
        Assert.Equal(("docker", 13000L, "Open LLM Leaderboard", "apache-2.0"), (s.Sdk, s.Likes, s.Title, s.License));
        Assert.Equal(["meta-llama/Llama-2-7b-hf"], s.Models);
        Assert.Equal(["open-llm-leaderboard/contents"], s.Datasets);
        Assert.Equal(new DateTimeOffset(2023, 4, 25, 10, 0, 0, TimeSpan.Zero), s.CreatedAt);

        var old = SpaceParser.Parse(Json("""{"id":"user/demo","cardData":{"sdk":"streamlit","models":"gpt2","license":"mit"}}"""));
        Assert.Equal(("streamlit", "mit"), (old.Sdk, old.License));
        Assert.Equal(["gpt2"], old.Models);
        Assert.Empty(old.Datasets);
    }

    [Fact]
    public void Organization_and_user_overviews_read_their_own_shapes()
    {
        var org = AuthorOverviewParser.Parse("google", Json("""
            {"_id":"5e6aca39","name":"google","fullname":"Google","type":"org","isVerified":true,"isEnterprise":true,
             "numModels":1012,"numDatasets":85,"numSpaces":40,"numFollowers":30000,"numUsers":1500,"details":"AI research"}
            """));
        Assert.Equal(("google", "org", "Google", true, true, 1012L, 85L, 40L, 1500L, "AI research"),
            (org.Name, org.Type, org.Fullname, org.IsVerified, org.IsEnterprise, org.NumModels, org.NumDatasets, org.NumSpaces, org.NumUsers,
            org.Details));

        var user = AuthorOverviewParser.Parse("TheBloke", Json("""{"user":"TheBloke","fullname":"Tom Jobbins","numModels":3800,"isPro":true}"""));
        Assert.Equal(("TheBloke", "user", 3800L, false), (user.Name, user.Type, user.NumModels, user.IsVerified));
        Assert.Null(user.NumUsers);
        Assert.Null(user.NumDatasets);
    }
}
