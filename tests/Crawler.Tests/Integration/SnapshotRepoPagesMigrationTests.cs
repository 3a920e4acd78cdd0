using HubPlatform.Crawler.Infrastructure;
using HubPlatform.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Hosting;

namespace HubPlatform.Tests.Crawler.Integration;

/// <summary>
/// The migration from a row per repo to a row per listing page carries the kept snapshots' repo lists over,
/// so the first crawl after an upgrade still finds the repos removed since the previous snapshot, and
/// chooses its overviews from the same counts.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class SnapshotRepoPagesMigrationTests
{
    private const string Before = "20261204230739_OutboxFailures";

    [Fact]
    public async Task Repo_lists_of_the_row_per_repo_table_survive_the_migration()
    {
        var database = new PlatformDatabase();
        await database.CreateAsync();
        try
        {
            await using var db = new CrawlerDbContext(new DbContextOptionsBuilder<CrawlerDbContext>()
                .UseNpgsql(database.For("crawler"), npgsql =>
                    npgsql.MigrationsHistoryTable(DatabaseExtensions.MigrationsHistoryTable, CrawlerDbContext.Schema))
                .Options);
            var migrator = db.GetService<IMigrator>();
            await migrator.MigrateAsync(Before);
            var snapshot = Guid.NewGuid();
            // 2,500 models over three thousand-repo chunks, a dataset, and a repo without an author.
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO crawler.snapshot_repos (snapshot_id, repo_type, repo_id, author, downloads)
                SELECT {snapshot}, 'Model', 'org' || (g % 7) || '/m-' || g, 'org' || (g % 7), g FROM generate_series(1, 2500) g
                UNION ALL SELECT {snapshot}, 'Dataset', 'org1/d', 'org1', 5
                UNION ALL SELECT {snapshot}, 'Space', 'nobody-space', NULL, 0
                """);

            await migrator.MigrateAsync();

            Assert.Equal(5, await database.CountAsync("crawler.snapshot_repo_pages"));
            Assert.Equal(0, await database.CountAsync("crawler.snapshot_repo_pages WHERE page >= 0"));
            var models = await database.QueryAsync<string>(
                $"SELECT r FROM crawler.snapshot_repo_pages, unnest(repo_ids) r WHERE snapshot_id = '{snapshot}' AND repo_type = 'Model'");
            Assert.Equal(2500, models.Count);
            Assert.Equal(2500, models.Distinct().Count());
            // Ids, authors and downloads stay aligned element by element.
            Assert.Equal(0, await database.CountAsync("""
                crawler.snapshot_repo_pages p, unnest(p.repo_ids, p.authors, p.downloads) AS r(id, author, downloads)
                WHERE p.repo_type = 'Model' AND (r.author <> split_part(r.id, '/', 1) OR r.downloads <> split_part(r.id, '-', 2)::bigint)
                """));
            Assert.Equal(new[] { "" },
                await database.QueryAsync<string>("SELECT a FROM crawler.snapshot_repo_pages, unnest(authors) a WHERE repo_type = 'Space'"));
        }
        finally
        {
            await database.DropAsync();
        }
    }
}
