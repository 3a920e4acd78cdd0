using System.Net.Http.Json;
using System.Text.Json;
using HubPlatform.HubEmulator.Hub;
using Microsoft.AspNetCore.Mvc.Testing;

namespace HubPlatform.Tests.Support;

/// <summary>
/// The Hub emulator in-process with a small generated hub (models, datasets and spaces). Its
/// clock starts an hour before the wall clock, so crawl times and repo times compare as on the
/// real Hub; each test class gets its own, since advancing the clock changes the hub.
/// </summary>
public sealed class SyntheticHubFactory : WebApplicationFactory<RepoStore>
{
    public DateTimeOffset StartedAt { get; } = new(DateTimeOffset.UtcNow.AddHours(-1).Ticks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero);

    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        builder.UseSetting("Emulator:ReplayDirectory", "");
        builder.UseSetting("Emulator:SyntheticModels", "300");
        builder.UseSetting("Emulator:SyntheticDatasets", "150");
        builder.UseSetting("Emulator:SyntheticSpaces", "150");
        builder.UseSetting("Emulator:Seed", "11");
        builder.UseSetting("Emulator:Now", StartedAt.ToString("O"));
        builder.UseSetting(Microsoft.Extensions.Hosting.AdminKey.Setting, TestAdminKey.Value);
    }

    /// <summary>Clients send the admin key: /admin needs it.</summary>
    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.WithAdminKey();
    }

    /// <summary>Every repo of a type as the emulator lists it with all fields, page by page (the raw data tests compare against).</summary>
    public async Task<List<JsonElement>> ListAsync(string plural)
    {
        using var http = CreateClient();
        var repos = new List<JsonElement>();
        var url = $"/api/{plural}?limit=1000&full=true&cardData=true";
        while (url is not null)
        {
            using var response = await http.GetAsync(url);
            response.EnsureSuccessStatusCode();
            repos.AddRange((await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().Select(e => e.Clone()));
            url = response.Headers.TryGetValues("Link", out var links) ? links.First().Split(';')[0].Trim('<', '>', ' ') : null;
        }
        return repos;
    }

    public async Task AdvanceClockAsync(double days)
    {
        using var http = CreateClient();
        using var response = await http.PostAsync($"/admin/clock/advance?days={days}", null);
        response.EnsureSuccessStatusCode();
    }
}
