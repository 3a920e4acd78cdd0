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
        builder.AddNpgsqlDataSource(ConnectionName, configureDataSourceBuilder: dataSource =>
        {
            dataSource.EnableDynamicJson();
            WithoutJit(dataSource.ConnectionStringBuilder);
        });

        builder.Services.AddDbContext<TContext>((services, options) =>
            options.UseNpgsql(services.GetRequiredService<NpgsqlDataSource>(),
                npgsql => npgsql.MigrationsHistoryTable(MigrationsHistoryTable, schema)));

        builder.Services.AddHostedService(services => new DatabaseMigrator<TContext>(services, schema));
        return builder;
    }

    /// <summary>
    /// Sessions start with JIT compilation off. The services' reads are index probes and short walks whose estimates can run
    /// far past <c>jit_above_cost</c> (a recursive walk, a join behind a subquery), and Postgres then compiles the statement on
    /// every call: at 1M models, 0.9 s of a ModelVerse ranking's 0.9 s, and 37 % of lineage's descendant walks. The long
    /// statements that could gain from it, the aggregate builds, spent 0.1 s of 50 s compiling and running with it.
    /// </summary>
    public static void WithoutJit(NpgsqlConnectionStringBuilder connection) =>
        connection.Options = string.IsNullOrWhiteSpace(connection.Options) ? "-c jit=off" : $"{connection.Options} -c jit=off";
}
