using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HubPlatform.Tests.Support;

namespace HubPlatform.Tests.HubEmulator.Unit;

/// <summary>The emulator's own clock: a week later the hub has new repos, other downloads, renames and deletions.</summary>
public class EmulatorClockTests
{
    [Fact]
    public async Task Advancing_the_clock_changes_the_hub_as_weeks_pass_on_the_hub()
    {
        using var emulator = new SyntheticEmulatorFactory();
        var http = emulator.CreateClient(new() { AllowAutoRedirect = false });
        var before = await Snapshot(http);
        var start = (await http.GetFromJsonAsync<JsonElement>("/admin/clock")).GetProperty("now").GetDateTimeOffset();

        using var advanced = await http.PostAsync("/admin/clock/advance?days=7", null);
        advanced.EnsureSuccessStatusCode();
        Assert.Equal(start.AddDays(7), (await advanced.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("now").GetDateTimeOffset());
        var week = await Snapshot(http);

        Assert.True(week.Count > before.Count, $"{week.Count} after a week, {before.Count} before");
        Assert.Contains(before, m => week.TryGetValue(m.Key, out var downloads) && downloads != m.Value);

        (await http.PostAsync("/admin/clock/advance?days=358", null)).EnsureSuccessStatusCode();
        var year = await Snapshot(http);
        var gone = before.Keys.Where(id => !year.ContainsKey(id)).ToArray();
        var statuses = new List<HttpStatusCode>();
        foreach (var id in gone)
        {
            using var response = await http.GetAsync($"/api/models/{id}");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TemporaryRedirect)
            {
                var location = response.Headers.Location!.OriginalString;
                Assert.StartsWith("/api/models/", location);
                Assert.Contains(location["/api/models/".Length..], year.Keys);
            }
        }
        Assert.Contains(HttpStatusCode.TemporaryRedirect, statuses);
        Assert.Contains(HttpStatusCode.NotFound, statuses);
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.TemporaryRedirect or HttpStatusCode.NotFound));
    }

    [Fact]
    public async Task The_clock_only_moves_forward()
    {
        using var emulator = new SyntheticEmulatorFactory();
        using var response = await emulator.CreateClient().PostAsync("/admin/clock/advance?days=-1", null);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task The_admin_routes_need_the_admin_key()
    {
        using var emulator = new SyntheticEmulatorFactory();
        var http = emulator.CreateClient();
        http.DefaultRequestHeaders.Remove(Microsoft.Extensions.Hosting.AdminKey.Header);

        using var none = await http.PostAsync("/admin/clock/advance?days=1", null);
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("application/problem+json", none.Content.Headers.ContentType?.MediaType);
        http.DefaultRequestHeaders.Add(Microsoft.Extensions.Hosting.AdminKey.Header, "not-the-key");
        using var wrong = await http.GetAsync("/admin/faults");
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        // The Hub's own API stays open.
        using var listing = await http.GetAsync("/api/models?limit=1");
        Assert.Equal(HttpStatusCode.OK, listing.StatusCode);

        using var keyed = await emulator.CreateClient().GetAsync("/admin/clock");
        Assert.Equal(HttpStatusCode.OK, keyed.StatusCode);
    }

    /// <summary>Every model's downloads by id, as a crawl would see them.</summary>
    private static async Task<Dictionary<string, long>> Snapshot(HttpClient http)
    {
        var models = new Dictionary<string, long>();
        string? next = "/api/models?limit=1000&expand[]=downloads";
        while (next is not null)
        {
            using var response = await http.GetAsync(next);
            response.EnsureSuccessStatusCode();
            foreach (var model in JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.EnumerateArray())
            {
                models.Add(model.GetProperty("id").GetString()!, model.GetProperty("downloads").GetInt64());
            }
            next = response.Headers.TryGetValues("Link", out var link) ? link.Single().Split(';')[0].Trim('<', '>') : null;
        }
        return models;
    }
}
