namespace HubPlatform.AppHost.Infrastructure;

/// <summary>
/// External mode (CI, production): servers run elsewhere. Configuration gives
/// <c>ConnectionStrings:{crawler,metrics,lineage,search}-db</c> (one login role each, provisioned
/// by the operator or <c>./hub servers</c>), <c>ConnectionStrings:messaging</c> and <c>ConnectionStrings:cache</c>.
/// Each service reads only its own connection string, so they may name one server or a server each (docs/SCALING.md).
/// </summary>
public static class ExternalServers
{
    public static HubInfrastructure Add(IDistributedApplicationBuilder builder)
    {
        var databases = HubInfrastructure.SchemaOwners.ToDictionary(s => s, s => builder.AddConnectionString($"{s}-db"));
        return new HubInfrastructure(
            InfrastructureMode.External,
            [],
            service => databases[service],
            builder.AddConnectionString("messaging"),
            builder.AddConnectionString("cache"));
    }
}
