using System.Net;
using HubPlatform.Metrics.Infrastructure;
using HubPlatform.Tests.Support;

namespace HubPlatform.Tests.Metrics.Integration;

/// <summary>With Redis unreachable, a service answers uncached instead of failing.</summary>
[Collection(ServersCollection.Name)]
public class RedisDownTests
{
    [Fact]
    public async Task Metrics_answers_without_its_cache()
    {
        var database = new PlatformDatabase();
        await database.CreateAsync();
        using var rabbit = new Rabbit();
        var vhost = "redis-down-" + Guid.NewGuid().ToString("N")[..8];
        await rabbit.CreateVirtualHostAsync(vhost);
        // Port 9 (discard) has nothing listening here: every cache call fails fast.
        await using var metrics = new ServiceHost<MetricsDbContext>("metrics", database, vhost,
            new Dictionary<string, string?> { ["ConnectionStrings:cache"] = "127.0.0.1:9,connectTimeout=200" });
        try
        {
            var http = metrics.CreateClient();
            using var missing = await http.GetAsync("/api/models/nobody/nothing");
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            using var snapshots = await http.GetAsync("/api/snapshots");
            Assert.Equal(HttpStatusCode.OK, snapshots.StatusCode);
            // Resolving the latest snapshot reads the cache's generation first: without Redis it asks the database.
            using var noSnapshot = await http.GetAsync("/api/modelverse/organizations");
            Assert.Equal(HttpStatusCode.NotFound, noSnapshot.StatusCode);
            using var noSummary = await http.GetAsync("/api/summary");
            Assert.Equal(HttpStatusCode.NotFound, noSummary.StatusCode);
        }
        finally
        {
            await rabbit.DeleteVirtualHostAsync(vhost);
            await database.DropAsync();
        }
    }
}
