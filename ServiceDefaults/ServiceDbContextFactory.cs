using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Lets <c>dotnet ef</c> build a service's model without starting the service, with the same
/// schema-scoped migrations history the running service uses.
/// </summary>
public abstract class ServiceDbContextFactory<TContext>(string schema, Func<DbContextOptions<TContext>, TContext> create)
    : IDesignTimeDbContextFactory<TContext> where TContext : DbContext
{
    public TContext CreateDbContext(string[] args) => create(new DbContextOptionsBuilder<TContext>()
        .UseNpgsql("Host=localhost", npgsql => npgsql.MigrationsHistoryTable(DatabaseExtensions.MigrationsHistoryTable, schema)).Options);
}
