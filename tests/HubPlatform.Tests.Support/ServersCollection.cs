namespace HubPlatform.Tests.Support;

/// <summary>
/// Tests against the real test servers run one class at a time: each class has its own database
/// and RabbitMQ virtual host, but they share the machine's two cores.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ServersCollection
{
    public const string Name = "Real servers";
}
