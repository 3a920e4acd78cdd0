using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using HubPlatform.Crawler.Hub;
using HubPlatform.Crawler.Infrastructure;
using HubPlatform.HubEmulator.Hub;
using HubPlatform.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace HubPlatform.Tests.Support;

/// <summary>
/// A crawler on real Postgres and RabbitMQ, crawling the in-process emulator through a
/// <see cref="FaultyHub"/>. Each test gets a fresh database and virtual host. Author overviews,
/// cards and incremental crawls are off unless a test turns them on through its settings.
/// </summary>
public sealed class CrawlerRig : IAsyncDisposable
{
    public const int PageSize = 100;
    public static readonly int ModelPages = Pages(SampleData.SampleModels.Count);

    /// <summary>The listing pages of a full crawl of the sample: models, then datasets, then spaces.</summary>
    public static readonly int ListingPages = ModelPages + Pages(SampleData.SampleDatasets.Count) + Pages(SampleData.SampleSpaces.Count);

    private static int Pages(int repos) => Math.Max(1, (repos + PageSize - 1) / PageSize);

    private readonly WebApplicationFactory<RepoStore> _emulator;
    private readonly Dictionary<string, string?> _settings;
    private ServiceHost<CrawlerDbContext>? _crawler;

    private CrawlerRig(WebApplicationFactory<RepoStore> emulator, IDictionary<string, string?>? settings)
    {
        _emulator = emulator;
        _settings = new()
        {
            ["HF_ENDPOINT"] = emulator.Server.BaseAddress.ToString(),
            ["Crawler:CrawlOnStartup"] = "false",
            ["Crawler:IncrementalCrawlCron"] = "",
            ["Crawler:PageSize"] = PageSize.ToString(CultureInfo.InvariantCulture),
            ["Crawler:MaxAttemptsPerPage"] = "4",
            ["Crawler:ResumeAfterFailure"] = "00:00:01",
            ["Crawler:MaxOrganizations"] = "0",
            ["Crawler:FetchCards"] = "false",
            [Microsoft.Extensions.Hosting.AdminKey.Setting] = TestAdminKey.Value,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
    }

    public PlatformDatabase Database { get; } = new();
    public Rabbit Rabbit { get; } = new();
    public string VirtualHost { get; } = "crawler-" + Guid.NewGuid().ToString("N")[..8];
    public CrawlObserver Observer { get; private set; } = null!;
    public FaultyHub Hub { get; private set; } = null!;
    public HttpClient Api { get; private set; } = null!;

    /// <param name="brokerPort">Where the crawler finds RabbitMQ, when not at its real port (a <see cref="TcpProxy"/>).</param>
    /// <param name="settings">Crawler settings over the rig's defaults.</param>
    /// <param name="broker">A broker of the test's own (a <see cref="PrivateRabbitMq"/>), whole connection string, instead of a virtual host on the
    /// shared one.</param>
    public static async Task<CrawlerRig> StartAsync(WebApplicationFactory<RepoStore> emulator, int? brokerPort = null,
        IDictionary<string, string?>? settings = null, Uri? broker = null)
    {
        var rig = new CrawlerRig(emulator, settings);
        await rig.Database.CreateAsync();
        rig._broker = broker;
        if (broker is null)
        {
            await rig.Rabbit.CreateVirtualHostAsync(rig.VirtualHost);
        }
        rig.Observer = await CrawlObserver.StartAsync(broker ?? new Uri(TestServers.MessagingFor(rig.VirtualHost)));
        rig._brokerPort = brokerPort;
        rig.StartCrawler();
        return rig;
    }

    private int? _brokerPort;
    private Uri? _broker;

    /// <summary>Starts a crawler process on the rig's database (again, after <see cref="StopCrawlerAsync"/>).</summary>
    public void StartCrawler()
    {
        var messaging = new UriBuilder(_broker ?? new Uri(TestServers.MessagingFor(VirtualHost)));
        if (_brokerPort is { } port)
        {
            messaging.Port = port;
        }
        Hub = new FaultyHub(_emulator.Server.CreateHandler());
        var hub = Hub;
        _crawler = new ServiceHost<CrawlerDbContext>("crawler", Database, VirtualHost, _settings,
            services => services.AddHttpClient<HubClient>().ConfigurePrimaryHttpMessageHandler(() => hub), messaging.Uri.ToString());
        Api = _crawler.CreateClient().WithAdminKey();
    }

    /// <summary>A client of the crawler's API without the admin key.</summary>
    public HttpClient CreateAnonymousApi() => _crawler!.CreateClient();

    public async Task StopCrawlerAsync()
    {
        await _crawler!.DisposeAsync();
        _crawler = null;
    }

    public async Task<Guid> RequestCrawlAsync(string kind = "Full")
    {
        using var response = await Api.PostAsJsonAsync("/api/crawls", new { kind });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("snapshotId").GetGuid();
    }

    public async Task<JsonElement> CrawlAsync(Guid snapshot) => await Api.GetFromJsonAsync<JsonElement>($"/api/crawls/{snapshot}");

    public async Task<JsonElement> WaitForCompletionAsync(Guid snapshot)
    {
        var crawl = await Eventually.GetAsync<JsonElement?>(async () => await CrawlAsync(snapshot),
            c => c!.Value.GetProperty("status").GetString() == "Completed", TimeSpan.FromMinutes(2), $"crawl {snapshot} to complete");
        // The completion is the last event of the outbox; once observed, every page before it was relayed.
        await Eventually.GetAsync(() => Task.FromResult<bool?>(Observer.Completed.Any(c => c.SnapshotId == snapshot)),
            seen => seen == true, TimeSpan.FromMinutes(1), "SnapshotCompleted downstream");
        return crawl!.Value;
    }

    public async ValueTask DisposeAsync()
    {
        if (_crawler is not null)
        {
            await _crawler.DisposeAsync();
        }
        await Observer.DisposeAsync();
        if (_broker is null)
        {
            await Rabbit.DeleteVirtualHostAsync(VirtualHost);
        }
        Rabbit.Dispose();
        await Database.DropAsync();
    }
}
