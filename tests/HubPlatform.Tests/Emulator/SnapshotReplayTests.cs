using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HubPlatform.Tests.Support;

namespace HubPlatform.Tests.Emulator;

/// <summary>A snapshot folder with datasets and spaces besides models is replayed for all three types.</summary>
public sealed class SnapshotReplayTests(EmulatorFactory emulator) : IClassFixture<EmulatorFactory>, IDisposable
{
    private readonly string _snapshot = Directory.CreateTempSubdirectory("hub-snapshot-").FullName;

    [Fact]
    public async Task Datasets_spaces_and_dataset_cards_are_replayed_as_written()
    {
        await File.WriteAllLinesAsync(Path.Combine(_snapshot, "models.jsonl"),
            ["""{"_id":"a1","id":"acme/tiny","author":"acme","downloads":3,"tags":["transformers"]}"""]);
        await File.WriteAllLinesAsync(Path.Combine(_snapshot, "datasets.jsonl"),
        [
            """{"_id":"d1","id":"acme/fin-qa","author":"acme","downloads":10,"tags":["task_categories:question-answering","finance"]}""",
            """{"_id":"d2","id":"acme/bench","author":"acme","downloads":900,"tags":["task_categories:text-classification"]}""",
        ]);
        await File.WriteAllLinesAsync(Path.Combine(_snapshot, "spaces.jsonl"),
            ["""{"_id":"s1","id":"acme/demo","author":"acme","likes":2,"sdk":"gradio","tags":["gradio"],"models":["acme/tiny"]}"""]);
        await File.WriteAllLinesAsync(Path.Combine(_snapshot, "dataset-cards.jsonl"),
            ["""{"id":"acme/fin-qa","readme":"---\nlicense: mit\n---\n# Fin QA"}"""]);
        using var replay = emulator.WithWebHostBuilder(b => b.UseSetting("Emulator:ReplayDirectory", _snapshot));
        var http = replay.CreateClient();

        var byDownloads = await http.GetFromJsonAsync<JsonElement>("/api/datasets?sort=downloads&direction=-1");
        Assert.Equal(["acme/bench", "acme/fin-qa"], byDownloads.EnumerateArray().Select(d => d.GetProperty("id").GetString()));
        var finance = await http.GetFromJsonAsync<JsonElement>("/api/datasets?filter=finance");
        Assert.Equal("acme/fin-qa", finance.EnumerateArray().Single().GetProperty("id").GetString());

        var space = await http.GetFromJsonAsync<JsonElement>("/api/spaces/acme/demo");
        Assert.Equal("acme/tiny", space.GetProperty("models")[0].GetString());

        Assert.EndsWith("# Fin QA", await http.GetStringAsync("/datasets/acme/fin-qa/raw/main/README.md"));
        using var noCard = await http.GetAsync("/datasets/acme/bench/raw/main/README.md");
        Assert.Equal(HttpStatusCode.NotFound, noCard.StatusCode);

        var overview = await http.GetFromJsonAsync<JsonElement>("/api/organizations/acme/overview");
        Assert.Equal(1, overview.GetProperty("numModels").GetInt32());
        Assert.Equal(2, overview.GetProperty("numDatasets").GetInt32());
        Assert.Equal(1, overview.GetProperty("numSpaces").GetInt32());
    }

    public void Dispose() => Directory.Delete(_snapshot, recursive: true);
}
