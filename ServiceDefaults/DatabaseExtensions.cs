using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Each service owns one Postgres schema. Its connection string (<c>ConnectionStrings:hubdb</c>)
/// logs in with a role that can only touch that schema; the AppHost provisions both.
/// </summary>
public static class DatabaseExtensions
{
    public const string ConnectionName = "hubdb";

    /// <summary>Each schema keeps its own migrations history, so services migrate independently.</summary>
    public const string MigrationsHistoryTable = "__ef_migrations_history";

    public static TBuilder AddServiceDatabase<TBuilder, TContext>(this TBuilder builder, string schema)
        where TBuilder : IHostApplicationBuilder
        where TContext : DbContext
    {
        // Aspire's data source brings the health check, tracing and metrics for Npgsql.
        builder.AddNpgsqlDataSource(ConnectionName, configureDataSourceBuilder: dataSource => dataSource.EnableDynamicJson());

        builder.Services.AddDbContext<TContext>((services, options) =>
            options.UseNpgsql(services.GetRequiredService<NpgsqlDataSource>(),
                npgsql => npgsql.MigrationsHistoryTable(MigrationsHistoryTable, schema)));

        builder.Services.AddHostedService(services => new DatabaseMigrator<TContext>(services, schema));
        return builder;
    }
}
