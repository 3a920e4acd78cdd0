using System.Collections.Concurrent;
using HubPlatform.Tests.Support;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HubPlatform.Tests.EndToEnd.Integration;

/// <summary>
/// <c>Messaging:QuorumQueues=true</c> on the real RabbitMQ (3.10): the services' messaging declares its queues, their error
/// queues and the redelivery wait queues as quorum queues, and messages still flow, fail to the error queue, and come back
/// from a wait queue after a transient failure (TTL and dead-lettering on a quorum queue).
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class QuorumQueuesTests : IAsyncLifetime, IDisposable
{
    private const string Service = "quorumprobe";
    private readonly Rabbit _rabbit = new();
    private readonly string _vhost = "quorum-" + Guid.NewGuid().ToString("N")[..8];

    public Task InitializeAsync() => _rabbit.CreateVirtualHostAsync(_vhost);

    public Task DisposeAsync() => _rabbit.DeleteVirtualHostAsync(_vhost);

    public void Dispose() => _rabbit.Dispose();

    [Fact]
    public async Task With_the_setting_every_queue_is_a_quorum_queue_and_messages_flow_fail_and_come_back()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:messaging"] = TestServers.MessagingFor(_vhost),
            [MessagingExtensions.QuorumQueuesSetting] = "true",
            [MessageRedelivery.Setting] = "00:00:01",
        });
        builder.AddHubMessaging(Service, bus => bus.AddConsumer<ProbeConsumer>());
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var bus = host.Services.GetRequiredService<IBus>();
            var ok = Guid.NewGuid();
            var failing = Guid.NewGuid();
            var transient = Guid.NewGuid();
            await bus.Publish(new QuorumProbe(ok, "ok"));
            await bus.Publish(new QuorumProbe(failing, "fail"));
            await bus.Publish(new QuorumProbe(transient, "transient-once"));

            // The transient one: ~21 s of in-memory retries, then a second in the wait queue, then back and handled.
            await Eventually.GetAsync(() => Task.FromResult<HashSet<Guid>?>(ProbeConsumer.Handled.Keys.ToHashSet()),
                h => h.Contains(ok) && h.Contains(transient), TimeSpan.FromMinutes(1), "the probes handled");
            Assert.Equal(1, ProbeConsumer.Handled[transient]); // handled in its redelivery round
            Assert.Equal(0, ProbeConsumer.Handled[ok]);
            var queue = $"{Service}-probe";
            await Eventually.GetAsync(() => _rabbit.MessagesAsync(_vhost, queue + "_error"), n => n == 1, TimeSpan.FromSeconds(30),
                "the failing probe dead-lettered");

            var types = await _rabbit.QueueTypesAsync(_vhost);
            Assert.Equal("quorum", types[queue]);
            Assert.Equal("quorum", types[queue + "_error"]);
            Assert.Equal("quorum", types[MessageRedelivery.WaitQueue(TimeSpan.FromSeconds(1))]);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    public sealed record QuorumProbe(Guid Id, string Behaviour);

    public sealed class ProbeConsumer : IConsumer<QuorumProbe>
    {
        /// <summary>Probes handled, with the redelivery round they were handled in.</summary>
        public static ConcurrentDictionary<Guid, int> Handled { get; } = new();

        public Task Consume(ConsumeContext<QuorumProbe> context)
        {
            var round = MessageRedelivery.RoundsOf(context);
            switch (context.Message.Behaviour)
            {
                case "fail":
                    throw new ArgumentException("A probe that is bad input: dead-lettered at once.");
                case "transient-once" when round == 0:
                    throw new TimeoutException("A probe that meets an outage on its first delivery.");
                default:
                    Handled[context.Message.Id] = round;
                    return Task.CompletedTask;
            }
        }
    }
}
