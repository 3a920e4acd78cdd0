namespace HubPlatform.AppHost.Infrastructure;

/// <summary>A connection string the AppHost computed (a local server's, or one role's login).</summary>
public sealed class ConnectionStringResource(string name, ReferenceExpression connectionString)
    : Resource(name), IResourceWithConnectionString
{
    public ReferenceExpression ConnectionStringExpression { get; } = connectionString;
}
