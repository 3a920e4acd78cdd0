using System.Net.Http.Json;
using System.Text.Json;
using HubPlatform.Contracts;
using HubPlatform.Search.Infrastructure;
using HubPlatform.Tests.Search;
using HubPlatform.Tests.Support;
using MassTransit;
using Npgsql;

namespace HubPlatform.Tests.Search.Integration;

/// <summary>
/// The search service alone on real Postgres, RabbitMQ and Redis, fed the real sample as the crawler
/// publishes it: every model page, then every card as CardsFetched. Ready once every text has a vector
/// and the index holds every document and chunk.
/// </summary>
public sealed class SearchFixture : IAsyncLifetime
{
    public PlatformDatabase Database { get; } = new();
    public Rabbit Rabbit { get; } = new();
    public string VirtualHost { get; } = "search-" + Guid.NewGuid().ToString("N")[..8];
    public string IndexDirectory { get; } = Directory.CreateTempSubdirectory("search-index-").FullName;
    public ServiceHost<SearchDbContext> Search { get; private set; } = null!;
    public IBusControl Bus { get; private set; } = null!;
    public Guid Snapshot { get; } = Guid.CreateVersion7();
    public DateTimeOffset ObservedAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>The real cards, where ../shared/data has them; the tests that need them skip otherwise.</summary>
    public static IReadOnlyList<RepoCard[]> CardPages { get; } = SharedData.HasCards
        ? SampleCards.All.Select(c => new RepoCard(c.Id, null, c.Readme)).Chunk(50).ToArray()
        : [];

    public async Task InitializeAsync()
    {
        await Database.CreateAsync();
        await Rabbit.CreateVirtualHostAsync(VirtualHost);
        Search = Host(SearchHost.Settings);
        _ = Search.CreateClient();
        Bus = MassTransit.Bus.Factory.CreateUsingRabbitMq(rabbit => rabbit.Host(new Uri(ServiceHost<SearchDbContext>.MessagingFor(VirtualHost))));
        await Bus.StartAsync();

        var page = 0;
        foreach (var models in ConsumersFixture.SamplePages)
        {
            await Bus.Publish(new ModelsObserved(Snapshot, ++page, ObservedAt, models));
        }
        foreach (var cards in CardPages)
        {
            await Bus.Publish(new CardsFetched(Snapshot, ++page, ObservedAt, RepoType.Model, cards));
        }
        await Eventually.GetAsync(() => Database.CountAsync("search.cards"),
            n => n == CardPages.SelectMany(p => p).Select(c => c.Id).Distinct().Count(), SearchHost.Patience, "every card stored");
        await WaitUntilIndexedAsync(Search.CreateClient());
    }

    public ServiceHost<SearchDbContext> Host(Dictionary<string, string?> settings) => new("search", Database, VirtualHost, settings);

    /// <summary>Every text embedded, and this replica's index has read every document and chunk (its watermark is past them all).</summary>
    public async Task<JsonElement> WaitUntilIndexedAsync(HttpClient search)
    {
        await Eventually.GetAsync(() =>
            Database.CountAsync("(SELECT text_hash FROM search.documents UNION SELECT text_hash FROM search.chunks) t WHERE NOT EXISTS (SELECT 1 " +
                                "FROM search.embeddings e WHERE e.text_hash = t.text_hash)"),
            n => n == 0, SearchHost.Patience, "every document and chunk embedded");
        var latest = await LatestVersionAsync();
        return await Eventually.GetAsync(() => SearchHost.Json(search, "/api/search/status"),
            s => s!.Value.GetProperty("indexWatermark").GetInt64() >= latest && s.Value.GetProperty("embeddingBacklog").GetInt64() == 0,
            SearchHost.Patience, $"the index to read every vector up to version {latest}") ?? default;
    }

    private async Task<long> LatestVersionAsync()
    {
        await using var connection = new NpgsqlConnection(Database.Admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT coalesce(max(vector_version), 0) FROM (SELECT vector_version FROM search.documents UNION ALL SELECT vector_version FROM " +
            "search.chunks) v", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async Task DisposeAsync()
    {
        await Bus.StopAsync();
        await Search.DisposeAsync();
        await Rabbit.DeleteVirtualHostAsync(VirtualHost);
        Rabbit.Dispose();
        await Database.DropAsync();
        Directory.Delete(IndexDirectory, recursive: true);
    }
}
