using System.Globalization;

namespace HubPlatform.Tests.Support;

/// <summary>
/// The real Postgres, RabbitMQ and Redis that <c>./hub test</c> starts (or <c>./hub servers start</c>
/// for an IDE), found through the environment it exports.
/// </summary>
public static class TestServers
{
    public static string Postgres => Required("HUB_TEST_POSTGRES");
    public static Uri RabbitMq => new(Required("HUB_TEST_RABBITMQ"));
    public static Uri RabbitMqManagement => new(Required("HUB_TEST_RABBITMQ_MANAGEMENT"));
    public static string Redis => Required("HUB_TEST_REDIS");

    /// <summary>The port of <see cref="Redis"/> (host:port), for a proxy put in front of it.</summary>
    public static int RedisPort => int.Parse(Redis.Split(':')[1], CultureInfo.InvariantCulture);

    /// <summary>The broker's address for one test class's virtual host.</summary>
    public static string MessagingFor(string virtualHost) => new UriBuilder(RabbitMq) { Path = "/" + virtualHost }.Uri.ToString();

    private static string Required(string name) =>
        Environment.GetEnvironmentVariable(name)
        ?? throw new InvalidOperationException(
            $"{name} is not set: run the tests with ./hub test, or start the servers with ./hub servers start and export what it prints.");
}
