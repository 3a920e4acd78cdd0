using Microsoft.Extensions.DependencyInjection;

namespace HubPlatform.AppHost.Infrastructure;

/// <summary>Container mode: Aspire's Postgres, RabbitMQ and Redis containers, provisioned like the local servers.</summary>
public static class ContainerServers
{
    public static HubInfrastructure Add(IDistributedApplicationBuilder builder)
    {
        var secrets = new LocalSecrets(Path.GetFullPath("../.hub/containers", builder.AppHostDirectory));
        var postgres = builder.AddPostgres("postgres").WithDataVolume("hubplatform-postgres");
        var rabbit = builder.AddRabbitMQ("rabbitmq");
        var redis = builder.AddRedis("redis");

        builder.Services.AddHealthChecks().AddCheck("postgres-provisioned", new PostgresReadyCheck(
            async ct => (await postgres.Resource.ConnectionStringExpression.GetValueAsync(ct))!, secrets.Get));
        postgres.WithHealthCheck("postgres-provisioned");

        var endpoint = postgres.Resource.PrimaryEndpoint;
        var databases = HubInfrastructure.SchemaOwners.ToDictionary(s => s, s =>
        {
            var password = builder.AddParameter($"{s}-db-password", secrets.Get(s), secret: true);
            return (IResourceBuilder<IResourceWithConnectionString>)builder.AddResource(new ConnectionStringResource($"{s}-db",
                ReferenceExpression.Create(
                    $"Host={endpoint.Property(EndpointProperty.Host)};Port={endpoint.Property(EndpointProperty.Port)};"
                    + $"Database={DatabaseProvisioning.Database};Username={DatabaseProvisioning.RoleOf(s)};Password={password}")))
                .ExcludeFromManifest();
        });
        return new HubInfrastructure(
            InfrastructureMode.Containers,
            [postgres, rabbit, redis],
            service => databases[service],
            rabbit,
            redis);
    }
}
