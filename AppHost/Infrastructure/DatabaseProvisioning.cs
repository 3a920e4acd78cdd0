using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace HubPlatform.AppHost.Infrastructure;

/// <summary>
/// One database, one schema per service, one login role per service that owns its schema and
/// nothing else: the metrics role cannot read the search schema. Idempotent; rotates passwords
/// to the ones given. A server may hold every service's schema (the default) or only some
/// (<c>Infrastructure:PostgresPerService</c>: one each).
/// </summary>
public static class DatabaseProvisioning
{
    public const string Database = "hub";

    public static string RoleOf(string service) => $"hub_{service}";

    public static Task ProvisionAsync(
        string adminConnectionString, string database, Func<string, string> passwordFor, CancellationToken cancellationToken) =>
        ProvisionAsync(adminConnectionString, database, HubInfrastructure.SchemaOwners, passwordFor, cancellationToken);

    public static async Task ProvisionAsync(
        string adminConnectionString,
        string database,
        IReadOnlyList<string> services,
        Func<string, string> passwordFor,
        CancellationToken cancellationToken)
    {
        var admin = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = "postgres", Pooling = false };
        await using (var server = new NpgsqlConnection(admin.ConnectionString))
        {
            await server.OpenAsync(cancellationToken);
            if (await ScalarAsync(server, "SELECT 1 FROM pg_database WHERE datname = @p", cancellationToken, database) is null)
            {
                await ExecuteAsync(server, $"CREATE DATABASE \"{database}\"", cancellationToken);
            }
        }

        admin.Database = database;
        await using var db = new NpgsqlConnection(admin.ConnectionString);
        await db.OpenAsync(cancellationToken);
        await ExecuteAsync(db, $"REVOKE ALL ON DATABASE \"{database}\" FROM PUBLIC; REVOKE ALL ON SCHEMA public FROM PUBLIC", cancellationToken);
        foreach (var service in services)
        {
            var role = RoleOf(service);
            // Passwords are hex (LocalSecrets) or operator-chosen; quote_literal keeps either safe.
            var password = (string)(await ScalarAsync(db, "SELECT quote_literal(@p)", cancellationToken, passwordFor(service)))!;
            await ExecuteAsync(db, $"""
                DO $$ BEGIN
                  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN CREATE ROLE {role} LOGIN; END IF;
                END $$;
                ALTER ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD {password};
                GRANT CONNECT, TEMPORARY ON DATABASE "{database}" TO {role};
                CREATE SCHEMA IF NOT EXISTS {service} AUTHORIZATION {role};
                ALTER SCHEMA {service} OWNER TO {role};
                REVOKE ALL ON SCHEMA {service} FROM PUBLIC;
                ALTER ROLE {role} SET search_path = {service};
                """, cancellationToken);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken,
        string? parameter = null)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        if (parameter is not null)
        {
            command.Parameters.AddWithValue("p", parameter);
        }
        return await command.ExecuteScalarAsync(cancellationToken);
    }
}

/// <summary>
/// Postgres counts as healthy for the platform once it accepts logins and the schemas and roles
/// exist, so services that <c>WaitFor</c> it can migrate straight away.
/// </summary>
public sealed class PostgresReadyCheck(
    Func<CancellationToken, Task<string>> adminConnectionString,
    Func<string, string> passwordFor,
    IReadOnlyList<string>? services = null) : IHealthCheck
{
    private volatile bool _provisioned;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var connectionString = await adminConnectionString(cancellationToken);
            if (!_provisioned)
            {
                await DatabaseProvisioning.ProvisionAsync(
                    connectionString, DatabaseProvisioning.Database, services ?? HubInfrastructure.SchemaOwners, passwordFor, cancellationToken);
                _provisioned = true;
            }
            var unpooled = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
            await using var connection = new NpgsqlConnection(unpooled.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex)
        {
            return HealthCheckResult.Unhealthy("Postgres is not ready", ex);
        }
    }
}

/// <summary>Healthy once something accepts TCP connections on the port (Redis, RabbitMQ's AMQP listener).</summary>
public sealed class TcpPortCheck(string host, int port) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var client = new System.Net.Sockets.TcpClient();
            await client.ConnectAsync(host, port, cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex)
        {
            return HealthCheckResult.Unhealthy($"{host}:{port} does not accept connections", ex);
        }
    }
}
