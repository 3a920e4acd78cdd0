using Microsoft.Extensions.Configuration;

namespace HubPlatform.AppHost.Infrastructure;

/// <summary>
/// One local Postgres server of local mode: its resource name, data folder, port, and the services whose schema
/// and login role it holds.
/// </summary>
public sealed record LocalPostgres(string Name, string DataDirectory, int Port, IReadOnlyList<string> Services)
{
    /// <summary>
    /// <c>Infrastructure:PostgresPerService</c>: one server per schema owner instead of one for all, as a deployment
    /// that outgrew one database server runs them (docs/SCALING.md).
    /// </summary>
    public const string PerServiceSetting = "Infrastructure:PostgresPerService";

    /// <summary>
    /// The servers to run. By default one, <c>postgres</c> on <c>Infrastructure:PostgresPort</c>, holding every schema.
    /// Per service: <c>postgres-{service}</c>, each with its own data folder and port, <c>Infrastructure:PostgresPorts:{service}</c>
    /// or by default the next ports after <c>Infrastructure:PostgresPort</c> in the order of
    /// <see cref="HubInfrastructure.SchemaOwners"/> (35433-35436 for <c>./hub up</c>).
    /// </summary>
    public static IReadOnlyList<LocalPostgres> Plan(IConfiguration configuration, string dataDirectory, int port)
    {
        if (!configuration.GetValue(PerServiceSetting, false))
        {
            return [new("postgres", Path.Combine(dataDirectory, "postgres"), port, HubInfrastructure.SchemaOwners)];
        }
        var servers = HubInfrastructure.SchemaOwners.Select((service, i) => new LocalPostgres(
            $"postgres-{service}",
            Path.Combine(dataDirectory, $"postgres-{service}"),
            configuration.GetValue($"Infrastructure:PostgresPorts:{service}", port + 1 + i),
            [service])).ToList();
        if (servers.Select(s => s.Port).Distinct().Count() < servers.Count)
        {
            var ports = string.Join(", ", servers.Select(s => $"{s.Services[0]} {s.Port}"));
            throw new InvalidOperationException($"{PerServiceSetting}: two services' Postgres servers were given one port ({ports}).");
        }
        return servers;
    }
}
