using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using HubPlatform.HubEmulator.Hub;
using HubPlatform.Tests.Support;

namespace HubPlatform.Tests.HubEmulator.Unit;

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
        // An emulator of its own: this test moves its clock by a week.
        using var own = emulator.WithWebHostBuilder(_ => { });
        var http = own.CreateClient();

        // A replay's clock runs from the capture, as the Hub's does: the emulator started moments ago.
        var clock = (await http.GetFromJsonAsync<JsonElement>("/admin/clock")).GetProperty("now").GetDateTimeOffset();
        Assert.InRange(clock, newest, newest + Moments);
        using var listing = await http.GetAsync("/api/models?limit=5");
        listing.EnsureSuccessStatusCode();
        // The Date header has whole seconds.
        Assert.InRange(listing.Headers.Date!.Value, TruncatedToSeconds(clock), clock + Moments);

        using var advanced = await http.PostAsync("/admin/clock/advance?days=7", null);
        Assert.InRange(advanced.Headers.Date!.Value, TruncatedToSeconds(clock.AddDays(7)), clock.AddDays(7) + Moments);
    }

    [Fact]
    public async Task A_replays_clock_runs_so_two_crawls_are_stamped_in_the_order_they_ran()
    {
        var http = emulator.CreateClient();
        var first = (await http.GetFromJsonAsync<JsonElement>("/admin/clock")).GetProperty("now").GetDateTimeOffset();
        await Task.Delay(TimeSpan.FromMilliseconds(1100));
        var second = (await http.GetFromJsonAsync<JsonElement>("/admin/clock")).GetProperty("now").GetDateTimeOffset();
        Assert.InRange(second - first, TimeSpan.FromSeconds(1), Moments);
    }

    [Fact]
    public async Task A_configured_Now_wins_and_a_generated_hub_keeps_its_fixed_start()
    {
        var configured = new DateTimeOffset(2026, 1, 5, 12, 0, 0, TimeSpan.Zero);
        using var replay = emulator.WithWebHostBuilder(b => b.UseSetting("Emulator:Now", configured.ToString("O")));
        using var replayed = await replay.CreateClient().GetAsync("/api/models?limit=1");
        Assert.InRange(replayed.Headers.Date!.Value, configured, configured + Moments);

        using var synthetic = new SyntheticEmulatorFactory();
        using var generated = await synthetic.CreateClient().GetAsync("/api/models?limit=1");
        Assert.Equal(EmulatorOptions.SyntheticStart, generated.Headers.Date);
    }

    /// <summary>How far a running clock may have moved while a test class runs.</summary>
    private static readonly TimeSpan Moments = TimeSpan.FromMinutes(2);

    private static DateTimeOffset TruncatedToSeconds(DateTimeOffset t) => new(t.UtcTicks - t.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
}
