using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Applies a service's EF migrations before the service takes traffic or messages (hosted
/// services start in order, and this one is registered before the bus). Several replicas may
/// start at once, so the migration runs under a Postgres advisory lock keyed by the schema:
/// the first replica migrates, the others wait and then find nothing to do.
/// </summary>
internal sealed class DatabaseMigrator<TContext>(IServiceProvider services, string schema) : IHostedService
    where TContext : DbContext
{
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromMinutes(2);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var logger = services.GetRequiredService<ILogger<DatabaseMigrator<TContext>>>();
        using var activity = HubTelemetry.ActivitySource.StartActivity($"migrate {schema}");
        var deadline = DateTime.UtcNow + GiveUpAfter;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await MigrateUnderLockAsync(cancellationToken);
                logger.SchemaUpToDate(schema);
                return;
            }
            catch (Exception ex) when (DateTime.UtcNow < deadline && !cancellationToken.IsCancellationRequested)
            {
                // The database may still be starting; Aspire's WaitFor covers the usual case, this covers restarts.
                logger.MigrationFailed(ex, schema, attempt);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(attempt, 5)), cancellationToken);
            }
        }
    }

    private async Task MigrateUnderLockAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock(hashtext({"migrate:" + schema}))", cancellationToken);
            await db.Database.MigrateAsync(cancellationToken);
        }
        finally
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock_all()", CancellationToken.None);
            await db.Database.CloseConnectionAsync();
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
