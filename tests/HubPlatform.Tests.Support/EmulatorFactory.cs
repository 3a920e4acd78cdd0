using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using HubPlatform.HubEmulator.Hub;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Hosting;

namespace HubPlatform.Tests.Support;

/// <summary>
/// The Hub emulator in-process. By default it replays the real sample (metadata in the repository,
/// cards from ../shared/data when there); a subclass picks a generated hub instead, of a size and
/// seed (and a clock) of its own: <see cref="SyntheticEmulatorFactory"/>, <see cref="SyntheticHubFactory"/>.
/// Its clients send the admin key, so tests can list the hub and move its clock through /admin.
/// </summary>
public class EmulatorFactory : WebApplicationFactory<RepoStore>
{
    private readonly Generated? _generated;

    /// <summary>The replayed sample.</summary>
    public EmulatorFactory()
    {
    }

    /// <summary>A generated hub, no replay; datasets, spaces and the clock's start default to the emulator's own.</summary>
    protected EmulatorFactory(int models, int seed, int? datasets = null, int? spaces = null, DateTimeOffset? now = null) =>
        _generated = new Generated(models, seed, datasets, spaces, now);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        if (_generated is null)
        {
            builder.UseReplayedSample();
        }
        else
        {
            builder.UseSetting("Emulator:ReplayDirectory", "");
            builder.UseSetting("Emulator:SyntheticModels", Text(_generated.Models));
            builder.UseSetting("Emulator:Seed", Text(_generated.Seed));
            if (_generated.Datasets is { } datasets)
            {
                builder.UseSetting("Emulator:SyntheticDatasets", Text(datasets));
            }
            if (_generated.Spaces is { } spaces)
            {
                builder.UseSetting("Emulator:SyntheticSpaces", Text(spaces));
            }
            if (_generated.Now is { } now)
            {
                builder.UseSetting("Emulator:Now", now.ToString("O"));
            }
        }
        builder.UseSetting(AdminKey.Setting, TestAdminKey.Value);
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

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private sealed record Generated(int Models, int Seed, int? Datasets, int? Spaces, DateTimeOffset? Now);
}
