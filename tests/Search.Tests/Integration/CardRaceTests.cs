using HubPlatform.Contracts;
using HubPlatform.Search.Infrastructure;
using HubPlatform.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace HubPlatform.Tests.Search.Integration;

/// <summary>
/// A listing page and a newer card of the same repo stored at the same moment, on real Postgres. The page read
/// search.cards before the card's transaction committed, so it carries the older card; it must not write that
/// older text over the newer one the card's transaction put into the document (keyword search would miss the
/// repo's new words until the next catch-up, and a cached answer for 30 minutes more).
/// </summary>
public sealed class CardRaceTests : IAsyncLifetime
{
    private readonly PlatformDatabase _database = new();
    private readonly Rabbit _rabbit = new();
    private readonly string _virtualHost = "search-race-" + Guid.NewGuid().ToString("N")[..8];
    private ServiceHost<SearchDbContext> _search = null!;

    public async Task InitializeAsync()
    {
        await _database.CreateAsync();
        await _rabbit.CreateVirtualHostAsync(_virtualHost);
        _search = new ServiceHost<SearchDbContext>("search", _database, _virtualHost, SearchHost.Settings);
        _ = _search.CreateClient(); // starts the service: its schema is migrated
    }

    [Fact]
    public async Task A_page_stored_while_a_newer_card_commits_keeps_the_newer_card_text()
    {
        var page = ConsumersFixture.SamplePages[0];
        var id = page[0].Id;
        var first = DateTimeOffset.UtcNow.AddMinutes(-10);
        await StoreAsync(store => store.UpsertAsync(new ModelsObserved(Guid.CreateVersion7(), 1, first, page), CancellationToken.None));
        await using (var scope = _search.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<CardStore>().UpsertAsync(
                new CardsFetched(Guid.CreateVersion7(), 1, first, RepoType.Model, [new RepoCard(id, "old-sha", "older words")]),
                CancellationToken.None);
        }

        // A newer card's transaction has written its text into the document and holds the document's row...
        await using var card = new NpgsqlConnection(_database.For("search"));
        await card.OpenAsync();
        await using var transaction = await card.BeginTransactionAsync();
        await using (var update = new NpgsqlCommand("""
            UPDATE search.cards SET sha = 'new-sha', text = 'limericks about quokkas', fetched_at = now() WHERE repo_type = 'model' AND id = @id;
            UPDATE search.documents SET card_text = 'limericks about quokkas', card_fetched_at = now() WHERE repo_type = 'model' AND id = @id;
            """, card, transaction))
        {
            update.Parameters.AddWithValue("id", id);
            await update.ExecuteNonQueryAsync();
        }

        // ...when the next crawl's page is stored: it reads the older card, then waits for the row.
        var stored = StoreAsync(store => store.UpsertAsync(new ModelsObserved(Guid.CreateVersion7(), 1, DateTimeOffset.UtcNow, page),
            CancellationToken.None));
        await Eventually.GetAsync(async () => (await _database.QueryAsync<long>(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")).Single(),
            waiting => waiting > 0, TimeSpan.FromSeconds(30), "the page to wait for the card's row lock");
        await transaction.CommitAsync();
        await stored;

        var cardText = await _database.QueryAsync<string>($"SELECT card_text FROM search.documents WHERE repo_type = 'model' AND id = '{id}'");
        Assert.Equal("limericks about quokkas", Assert.Single(cardText));
    }

    private async Task StoreAsync(Func<DocumentStore, Task> store)
    {
        await using var scope = _search.Services.CreateAsyncScope();
        await store(scope.ServiceProvider.GetRequiredService<DocumentStore>());
    }

    public async Task DisposeAsync()
    {
        await _search.DisposeAsync();
        await _rabbit.DeleteVirtualHostAsync(_virtualHost);
        _rabbit.Dispose();
        await _database.DropAsync();
    }
}
