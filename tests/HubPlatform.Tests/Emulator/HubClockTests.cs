using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using HubPlatform.HubEmulator.Hub;
using HubPlatform.Tests.Support;

namespace HubPlatform.Tests.Emulator;

/// <summary>
/// The emulator's time is the Hub's: a replay's clock is the moment its data was captured, and every
/// answer's <c>Date</c> header says that clock, not this machine's.
/// </summary>
public sealed class HubClockTests(EmulatorFactory emulator) : IClassFixture<EmulatorFactory>
{
    [Fact]
    public async Task A_replay_runs_at_the_newest_lastModified_of_its_files_and_its_Date_header_says_so()
    {
        var newest = new[] { "models.jsonl", "datasets.jsonl", "spaces.jsonl" }
            .SelectMany(f => File.ReadLines(Path.Combine(SampleData.HubSample, f)))
            .Where(l => !string.IsNullOrWhiteSpace(l))
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Where(r => r.TryGetProperty("lastModified", out var m) && m.ValueKind == JsonValueKind.String)
            .Max(r => DateTimeOffset.Parse(r.GetProperty("lastModified").GetString()!, CultureInfo.InvariantCulture));
        Assert.True(newest.Year >= 2026, $"the sample's newest lastModified is {newest:O}");
        var http = emulator.CreateClient();

        var clock = (await http.GetFromJsonAsync<JsonElement>("/admin/clock")).GetProperty("now").GetDateTimeOffset();
        Assert.Equal(newest, clock);
        using var listing = await http.GetAsync("/api/models?limit=5");
        listing.EnsureSuccessStatusCode();
        // The Date header has whole seconds.
        Assert.Equal(TruncatedToSeconds(clock), listing.Headers.Date);

        using var advanced = await http.PostAsync("/admin/clock/advance?days=7", null);
        Assert.Equal(TruncatedToSeconds(clock.AddDays(7)), advanced.Headers.Date);
    }

    [Fact]
    public async Task A_configured_Now_wins_and_a_generated_hub_keeps_its_fixed_start()
    {
        var configured = new DateTimeOffset(2026, 1, 5, 12, 0, 0, TimeSpan.Zero);
        using var replay = emulator.WithWebHostBuilder(b => b.UseSetting("Emulator:Now", configured.ToString("O")));
        using var replayed = await replay.CreateClient().GetAsync("/api/models?limit=1");
        Assert.Equal(configured, replayed.Headers.Date);

        using var synthetic = new SyntheticEmulatorFactory();
        using var generated = await synthetic.CreateClient().GetAsync("/api/models?limit=1");
        Assert.Equal(EmulatorOptions.SyntheticStart, generated.Headers.Date);
    }

    private static DateTimeOffset TruncatedToSeconds(DateTimeOffset t) => new(t.UtcTicks - t.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
}
