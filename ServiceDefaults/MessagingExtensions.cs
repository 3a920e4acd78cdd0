using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// MassTransit on RabbitMQ, wired the same way in every service: one queue per service and
/// consumer (<c>metrics-models-observed</c>, <c>lineage-models-observed</c>, ...), so services
/// scale independently and replicas of one service compete on their own queue.
/// </summary>
public static class MessagingExtensions
{
    public const string ConnectionName = "messaging";

    /// <summary>
    /// Listing pages a replica stores at once on one queue (<c>Messaging:PageConcurrency</c>). A page is a
    /// set-based write of a thousand rows, so a few in flight keep Postgres busy; MassTransit's default (16, its
    /// prefetch) made them queue on each other's locks (relation extension, new keys) and switch on the cores instead.
    /// </summary>
    public const int DefaultPageConcurrency = 4;

    /// <summary>
    /// <c>Messaging:QuorumQueues</c> (default false): the services' queues, their error queues and the redelivery wait queues
    /// are RabbitMQ quorum queues, replicated across a cluster's nodes by Raft, instead of classic queues that live on one
    /// node. For a RabbitMQ cluster (docs/SCALING.md); a broker cannot change a queue's type, so switching on a broker that
    /// already has the classic queues means deleting them (or a new virtual host) first.
    /// </summary>
    public const string QuorumQueuesSetting = "Messaging:QuorumQueues";

    public static int PageConcurrency(this IHostApplicationBuilder builder) =>
        Math.Max(1, builder.Configuration.GetValue("Messaging:PageConcurrency", DefaultPageConcurrency));

    public static TBuilder AddHubMessaging<TBuilder>(
        this TBuilder builder,
        string serviceName,
        Action<IBusRegistrationConfigurator>? configure = null) where TBuilder : IHostApplicationBuilder
    {
        var connectionString = builder.Configuration.GetConnectionString(ConnectionName)
            ?? throw new InvalidOperationException(
                $"ConnectionStrings:{ConnectionName} is not set: the AppHost passes it, or set it to amqp://user:password@host:port.");

        var intervals = MessageRedelivery.ParseIntervals(builder.Configuration[MessageRedelivery.Setting]);
        var quorum = builder.Configuration.GetValue(QuorumQueuesSetting, false);
        builder.Services.AddSingleton(services => new MessageRedelivery(new Uri(connectionString), intervals,
            services.GetRequiredService<ILoggerFactory>().CreateLogger<MessageRedelivery>(), quorum));

        builder.Services.AddMassTransit(bus =>
        {
            bus.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(serviceName, includeNamespace: false));
            configure?.Invoke(bus);

            bus.AddConfigureEndpointsCallback((context, _, endpoint) =>
            {
                if (quorum && endpoint is IRabbitMqReceiveEndpointConfigurator rabbitEndpoint)
                {
                    rabbitEndpoint.SetQuorumQueue();
                }
                // Outside the retries below: a message whose retries all met an outage (Postgres
                // down longer than ~21 s) waits in a broker queue and comes back after 30 s, 1, 2,
                // 5 and 10 minutes (Messaging:RedeliveryIntervals) before it is dead-lettered.
                if (intervals.Length > 0)
                {
                    context.GetRequiredService<MessageRedelivery>().Configure(endpoint);
                }
                // Transient faults (a database restart, a deadlock) are retried in place; what still
                // fails goes to the endpoint's _error queue with the exception, to be replayed later.
                endpoint.UseMessageRetry(r =>
                {
                    r.Intervals(200, 1_000, 5_000, 15_000);
                    r.Ignore<ArgumentException>();
                    r.Ignore<FormatException>();
                });
            });

            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(new Uri(connectionString));
                rabbit.ConfigureEndpoints(context);
            });
        });

        builder.Services.AddOptions<MassTransitHostOptions>().Configure(options =>
        {
            // Start only when the broker answers, and stop after in-flight messages finish.
            options.WaitUntilStarted = true;
            options.StopTimeout = TimeSpan.FromSeconds(30);
        });
        return builder;
    }
}
