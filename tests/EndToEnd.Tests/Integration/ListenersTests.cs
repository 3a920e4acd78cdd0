using HubPlatform.Tests.Support;

namespace HubPlatform.Tests.EndToEnd.Integration;

/// <summary>
/// Nothing the project starts listens beyond loopback: ./hub's test servers (postgres, redis,
/// rabbitmq-server with its Erlang distribution port) and the epmd a RabbitMQ node starts.
/// </summary>
[Collection(ServersCollection.Name)]
public class ListenersTests
{
    [Fact]
    public void The_test_servers_listen_on_loopback_only()
    {
        // ./hub servers start keeps their data (and rabbitmq's HOME) under .hub/test of this checkout.
        // redis-server renames itself to its address: it is found by its port.
        var testDirectory = Path.Combine(SampleData.RepoRoot, ".hub", "test") + "/";
        var redisPort = new Uri("tcp://" + TestServers.Redis).Port;
        var all = Listeners.Of(_ => true);
        var servers = all.Where(l => l.Port == redisPort).Select(l => l.Pid)
            .Concat(all.Select(l => l.Pid).Where(pid => Listeners.CommandLineAndEnvironment(pid).Contains(testDirectory, StringComparison.Ordinal)))
            .ToHashSet();
        var listeners = all.Where(l => servers.Contains(l.Pid)).ToList();

        foreach (var port in new[] { redisPort, TestServers.RabbitMq.Port, TestServers.RabbitMq.Port + 20_000 })
        {
            Assert.True(listeners.Any(l => l.Port == port), $"nothing on port {port} among {string.Join(", ", listeners)}");
        }
        Assert.Contains(listeners, l => l.Process == "postgres");
        Assert.All(listeners, l => Assert.True(l.OnLoopback, $"{l} listens beyond loopback"));
    }

    [Fact]
    public async Task A_RabbitMQ_node_that_starts_epmd_binds_it_and_its_distribution_port_to_loopback()
    {
        await using var broker = await PrivateRabbitMq.StartAsync(ownEpmd: true);
        var epmd = broker.EpmdPid ?? throw new Xunit.Sdk.XunitException("the node started no epmd of its own");

        var listeners = Listeners.Of(pid => pid == epmd || Listeners.CommandLineAndEnvironment(pid)
            .Contains($"hubtest{broker.Port}@localhost", StringComparison.Ordinal));

        Assert.Contains(listeners, l => l.Pid == epmd);
        Assert.Contains(listeners, l => l.Port == broker.Port + 20_000);
        Assert.All(listeners, l => Assert.True(l.OnLoopback, $"{l} listens beyond loopback"));
    }
}
