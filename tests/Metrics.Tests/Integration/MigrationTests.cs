using HubPlatform.Metrics.Infrastructure;
using HubPlatform.Tests.Support;

namespace HubPlatform.Tests.Metrics.Integration;

[Collection(ServersCollection.Name)]
public class MigrationTests
{
    [Fact]
    public async Task Replicas_starting_together_migrate_their_schema_once()
    {
        var database = new PlatformDatabase();
        await database.CreateAsync();
        var rabbit = new Rabbit();
        var vhost = "migrations-" + Guid.NewGuid().ToString("N")[..8];
        await rabbit.CreateVirtualHostAsync(vhost);
        var replicas = Enumerable.Range(0, 3).Select(_ => new ServiceHost<MetricsDbContext>("metrics", database, vhost)).ToArray();
        try
        {
            // Starting a host runs its migrator; three at once race for the schema.
            var health = await Task.WhenAll(replicas.Select(r => Task.Run(() => r.CreateClient().GetStringAsync("/health"))));
            Assert.All(health, h => Assert.Equal("Healthy", h));
            // Each of the schema's migrations applied once (the history's key would refuse a second row; a second run of one would have failed).
            var migrations = typeof(MetricsDbContext).Assembly.GetTypes()
                .Count(t => t.IsSubclassOf(typeof(Microsoft.EntityFrameworkCore.Migrations.Migration)));
            Assert.NotEqual(0, migrations);
            Assert.Equal(migrations, await database.CountAsync("metrics.__ef_migrations_history"));
            Assert.Equal(0, await database.CountAsync("metrics.model_facts"));
        }
        finally
        {
            foreach (var replica in replicas)
            {
                await replica.DisposeAsync();
            }
            await rabbit.DeleteVirtualHostAsync(vhost);
            rabbit.Dispose();
            await database.DropAsync();
        }
    }
}
