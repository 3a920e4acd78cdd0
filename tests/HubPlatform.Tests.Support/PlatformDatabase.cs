using HubPlatform.AppHost.Infrastructure;
using Npgsql;

namespace HubPlatform.Tests.Support;

/// <summary>
/// A fresh database on the test Postgres, provisioned exactly like the AppHost does it: a schema
/// and a login role per service. Each test class gets its own.
/// </summary>
public sealed class PlatformDatabase
{
    public const string Password = "hub-test-password";

    public string Name { get; } = "hub_test_" + Guid.NewGuid().ToString("N")[..12];

    public string Admin => new NpgsqlConnectionStringBuilder(TestServers.Postgres) { Database = Name }.ConnectionString;

    public Task CreateAsync() => DatabaseProvisioning.ProvisionAsync(TestServers.Postgres, Name, _ => Password, CancellationToken.None);

    /// <summary>The service's own login: it can touch its schema and nothing else.</summary>
    public string For(string service) => new NpgsqlConnectionStringBuilder(TestServers.Postgres)
    {
        Database = Name,
        Username = DatabaseProvisioning.RoleOf(service),
        Password = Password,
    }.ConnectionString;

    public async Task<long> CountAsync(string table)
    {
        await using var connection = new NpgsqlConnection(Admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM {table}", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The first column of every row of <paramref name="sql"/>.</summary>
    public async Task<List<T>> QueryAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(Admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<T>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetFieldValue<T>(0));
        }
        return values;
    }

    public async Task DropAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(TestServers.Postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
