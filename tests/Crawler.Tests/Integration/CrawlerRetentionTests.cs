using HubPlatform.Tests.Support;
using Xunit.Abstractions;

namespace HubPlatform.Tests.Crawler.Integration;

/// <summary>
/// Ten full snapshots of the generated hub in a row: the crawler's schema stays the size of the
/// snapshots it keeps (the last two repo lists and the events sent since the older one began)
/// instead of growing by one snapshot per crawl.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class CrawlerRetentionTests(SyntheticEmulatorFactory hub, ITestOutputHelper output) : IClassFixture<SyntheticEmulatorFactory>
{
    private const int Crawls = 10;
    private const int KeepSnapshots = 2;

    [Fact]
    public async Task Ten_successive_crawls_keep_the_database_flat_from_the_third_on()
    {
        await using var rig = await CrawlerRig.StartAsync(hub);
        var sizes = new List<Sizes>();
        output.WriteLine(
            "crawl | database | crawler schema | snapshot_repo_pages | outbox | repos in the lists | outbox rows (sent) | pruned repos/events");
        for (var crawl = 1; crawl <= Crawls; crawl++)
        {
            var snapshot = await rig.RequestCrawlAsync();
            var completed = await rig.WaitForCompletionAsync(snapshot);
            var repos = completed.GetProperty("models").GetInt64() + completed.GetProperty("datasets").GetInt64()
                + completed.GetProperty("spaces").GetInt64();
            // The pruning runs once the crawl is complete: wait until the older repo lists are gone.
            var kept = Math.Min(crawl, KeepSnapshots);
            await Eventually.GetAsync(() => rig.Database.CountAsync("(SELECT DISTINCT snapshot_id FROM crawler.snapshot_repo_pages) s"),
                n => n == kept, TimeSpan.FromSeconds(30), $"the repo lists of the last {kept} snapshots alone after crawl {crawl}");
            var size = await MeasureAsync(rig.Database);
            sizes.Add(size);
            output.WriteLine($"{crawl} | {Kb(size.Database)} | {Kb(size.Schema)} | {Kb(size.SnapshotRepos)} | {Kb(size.Outbox)} | "
                + $"{size.SnapshotRepoRows} | {size.OutboxRows} ({size.SentRows}) | {repos} repos per snapshot");
            output.WriteLine("    outbox: " + string.Join(", ", await rig.Database.QueryAsync<string>("""
                SELECT message_type || ' ' || count(*) || (CASE WHEN bool_and(sent_at IS NOT NULL) THEN '' ELSE ' (some unsent)' END)
                FROM crawler.outbox GROUP BY message_type ORDER BY 1
                """)));
            Assert.Equal(kept * repos, size.SnapshotRepoRows);
        }

        // Flat: from the third crawl on (two kept, one being written) the seven crawls after it add
        // less than one crawl's footprint in all (without pruning each adds one: ~7x as much). The
        // repo lists' index breathes by about a snapshot (pages a VACUUM frees are reused a crawl later).
        var footprint = sizes[0].Schema;
        var third = sizes[2];
        var last = sizes[^1];
        Assert.True(last.Schema - third.Schema < footprint,
            $"the crawler schema grew from {Kb(third.Schema)} after crawl 3 to {Kb(last.Schema)} after crawl {Crawls} (one crawl: {Kb(footprint)})");
        Assert.True(last.Database - third.Database < footprint,
            $"the database grew from {Kb(third.Database)} after crawl 3 to {Kb(last.Database)} after crawl {Crawls} (one crawl: {Kb(footprint)})");
        Assert.All(sizes.Skip(2), s => Assert.True(s.Schema - third.Schema < footprint, $"{Kb(s.Schema)} against {Kb(third.Schema)} after crawl 3"));
        // The sent events kept are those since the older kept snapshot began: about two crawls' worth, never ten.
        var eventsPerCrawl = sizes[0].OutboxRows;
        Assert.All(sizes.Skip(2), s => Assert.InRange(s.OutboxRows, eventsPerCrawl, (KeepSnapshots + 1) * eventsPerCrawl));
    }

    private sealed record Sizes(long Database, long Schema, long SnapshotRepos, long Outbox, long SnapshotRepoRows, long OutboxRows, long SentRows);

    private static async Task<Sizes> MeasureAsync(PlatformDatabase database)
    {
        async Task<long> Scalar(string sql) => (await database.QueryAsync<long>(sql)).Single();
        return new Sizes(
            await Scalar("SELECT pg_database_size(current_database())"),
            await Scalar("""
                SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'crawler' AND c.relkind = 'r'
                """),
            await Scalar("SELECT pg_total_relation_size('crawler.snapshot_repo_pages')"),
            await Scalar("SELECT pg_total_relation_size('crawler.outbox')"),
            await Scalar("SELECT coalesce(sum(cardinality(repo_ids)), 0)::bigint FROM crawler.snapshot_repo_pages"),
            await database.CountAsync("crawler.outbox"),
            await database.CountAsync("crawler.outbox WHERE sent_at IS NOT NULL"));
    }

    private static string Kb(long bytes) => $"{bytes / 1024:N0} kB";
}
