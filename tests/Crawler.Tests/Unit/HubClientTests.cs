using HubPlatform.Crawler.Hub;
using HubPlatform.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace HubPlatform.Tests.Crawler.Unit;

/// <summary>The crawler's client, against the emulator and against recorded real Hub responses.</summary>
public class HubClientTests(EmulatorFactory emulator) : IClassFixture<EmulatorFactory>
{
    [Fact]
    public async Task Crawls_the_emulator_to_the_last_page()
    {
        var client = Client(emulator.CreateDefaultClient(), emulator.Server.BaseAddress);
        var ids = new HashSet<string>();
        Uri? next = client.FirstModelsPage(250);
        var pages = 0;
        while (next is not null)
        {
            var page = await client.GetPageAsync(next, CancellationToken.None);
            Assert.False(page.IsMalformed);
            foreach (var repo in page.Repos)
            {
                Assert.True(ids.Add(ModelParser.Parse(repo).Id));
            }
            next = page.Next;
            pages++;
        }
        Assert.Equal(SampleData.SampleModels.Count, ids.Count);
        Assert.Equal(5, pages);
    }

    [NeedsSharedDataTheory(SharedNeed.RecordedResponses)]
    [InlineData("deepset/roberta-base-squad2")]
    [InlineData("stabilityai/stable-diffusion-2-1")]
    public async Task Recorded_real_responses_parse_to_the_right_values(string id)
    {
        var client = Client(new HttpClient(new RecordedHub()), new Uri("https://huggingface.co"));
        var model = ModelParser.Parse((await client.GetModelAsync(id, CancellationToken.None))!.Value);
        Assert.Equal(id, model.Id);
        if (id == "deepset/roberta-base-squad2")
        {
            Assert.Equal("question-answering", model.PipelineTag);
            Assert.Contains(model.BaseModels, b => b.Id == "FacebookAI/roberta-base");
            Assert.Equal("cc-by-4.0", model.License);
        }
        else
        {
            Assert.Equal(("text-to-image", "diffusers"), (model.PipelineTag, model.LibraryName));
        }
    }

    [NeedsSharedDataFact(SharedNeed.RecordedResponses)]
    public async Task A_renamed_repo_resolves_to_its_canonical_id_in_the_recording_and_in_the_emulator()
    {
        var recorded = new RecordedHub();
        var real = Client(new HttpClient(recorded), new Uri("https://huggingface.co"));
        var model = ModelParser.Parse((await real.GetModelAsync("bert-base-uncased", CancellationToken.None))!.Value);
        Assert.Equal("google-bert/bert-base-uncased", model.Id);
        Assert.Equal(2, recorded.Requests.Count);

        var emulated = Client(emulator.CreateDefaultClient(), emulator.Server.BaseAddress);
        Assert.Null(await emulated.GetModelAsync("nobody/nothing", CancellationToken.None));
    }

    private static HubClient Client(HttpClient http, Uri endpoint) =>
        new(http, new HubOptions { Endpoint = endpoint, FirstBackoff = TimeSpan.FromMilliseconds(10) }, new RateLimitPacer(TimeProvider.System),
            NullLogger<HubClient>.Instance);
}
