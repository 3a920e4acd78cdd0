using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net.Sockets;
using MassTransit;
using MassTransit.Configuration;
using Microsoft.Extensions.Logging;
using Npgsql;
using RabbitMQ.Client;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Redelivery that outlasts an outage of what the consumers write to (Postgres, mostly): a message
/// whose in-memory retries (about 21 s) all met a transient failure is not dead-lettered but moved,
/// byte for byte, into a RabbitMQ wait queue (<c>hub-redelivery-{seconds}s</c>, durable, a
/// per-queue TTL, dead-lettering into the default exchange), which after the interval hands it back
/// to the consumer's own queue by its routing key. The broker keeps the message the whole time: the
/// original is acknowledged only once the broker confirmed the copy, so a consumer killed meanwhile
/// loses nothing (at worst the message comes twice; the consumers are idempotent). RabbitMQ's
/// delayed-message plugin is not needed (the Debian broker has none), nor a scheduler.
/// After the last interval, or for a failure that is not transient (a bug, a permission), the
/// message goes to the endpoint's <c>_error</c> queue as before, to be replayed by hand.
/// </summary>
public sealed class MessageRedelivery : IAsyncDisposable
{
    public const string Setting = "Messaging:RedeliveryIntervals";
    public const string CountHeader = "hub-redelivery";
    public static readonly TimeSpan[] DefaultIntervals =
        [TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10)];

    private static readonly Counter<long> Redeliveries = HubTelemetry.Meter.CreateCounter<long>(
        "hub.messaging.redeliveries", "{message}",
        "Messages moved to a wait queue after their in-memory retries met a transient failure, by queue and round");

    private readonly Uri _broker;
    private readonly ILogger _logger;
    private readonly bool _quorum;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly HashSet<string> _declared = [];
    private IConnection? _connection;
    private IChannel? _channel;

    /// <param name="quorum">The wait queues as quorum queues (<c>Messaging:QuorumQueues</c>), like the consumers' own queues.</param>
    public MessageRedelivery(Uri broker, IReadOnlyList<TimeSpan> intervals, ILogger logger, bool quorum = false)
    {
        _broker = broker;
        Intervals = intervals;
        _logger = logger;
        _quorum = quorum;
    }

    public IReadOnlyList<TimeSpan> Intervals { get; }

    /// <summary>The intervals of <c>Messaging:RedeliveryIntervals</c> ("00:00:30,00:01:00,..."; empty: none), else the defaults.</summary>
    public static TimeSpan[] ParseIntervals(string? setting) => setting is null
        ? DefaultIntervals
        : setting.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => TimeSpan.Parse(s, CultureInfo.InvariantCulture)).ToArray();

    public static string WaitQueue(TimeSpan delay) => $"hub-redelivery-{(long)delay.TotalSeconds}s";

    /// <summary>
    /// Failures an outage causes, which a later try may not meet: Postgres or the network not
    /// answering (Npgsql's own verdict), timeouts. Anything else is the message's or the code's.
    /// </summary>
    public static bool IsTransient(Exception ex) => ex switch
    {
        NpgsqlException npgsql when npgsql.IsTransient => true,
        TimeoutException or SocketException or IOException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsTransient),
        _ => ex.InnerException is { } inner && IsTransient(inner),
    };

    /// <summary>
    /// Adds the redelivery around every consumed message type of an endpoint, outside its in-memory retries (call before UseMessageRetry).
    /// </summary>
    public void Configure(IConsumePipeConfigurator endpoint) => _ = new Observer(endpoint, this);

    /// <summary>The redelivery rounds a message already had (0 for a first delivery).</summary>
    public static int RoundsOf(ConsumeContext context) =>
        context.ReceiveContext.TransportHeaders.TryGetHeader(CountHeader, out var value) && value is not null
            ? Convert.ToInt32(value, CultureInfo.InvariantCulture)
            : 0;

    /// <summary>
    /// Moves the message into the wait queue of its next round; false when its rounds are spent or
    /// the broker did not take the copy (then the message is dead-lettered as before, not lost).
    /// </summary>
    public async Task<bool> TryRedeliverAsync(ConsumeContext context, Exception failure)
    {
        var round = RoundsOf(context);
        if (round >= Intervals.Count)
        {
            _logger.RedeliveriesSpent(failure, QueueOf(context), context.MessageId, round);
            return false;
        }
        try
        {
            await RedeliverAsync(context, failure, round);
            return true;
        }
        catch (Exception ex) when (!context.CancellationToken.IsCancellationRequested)
        {
            _logger.RedeliveryFailed(ex, QueueOf(context), context.MessageId);
            return false;
        }
    }

    private static string QueueOf(ConsumeContext context) =>
        context.ReceiveContext.InputAddress.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries)[^1];

    private async Task RedeliverAsync(ConsumeContext context, Exception failure, int round)
    {
        var delay = Intervals[round];
        var queue = QueueOf(context);
        // The delivery's own AMQP properties and headers, as the broker handed them over.
        var received = context.ReceiveContext.TryGetPayload<RabbitMqBasicConsumeContext>(out var amqp) ? amqp.Properties : null;
        var properties = new BasicProperties
        {
            MessageId = received?.MessageId ?? context.MessageId?.ToString(),
            CorrelationId = received?.CorrelationId ?? context.CorrelationId?.ToString(),
            ContentType = received?.ContentType ?? context.ReceiveContext.ContentType?.ToString(),
            ContentEncoding = received?.ContentEncoding,
            Type = received?.Type,
            Persistent = true,
            Headers = new Dictionary<string, object?>(),
        };
        IEnumerable<KeyValuePair<string, object?>> headers = received?.Headers
            ?? context.ReceiveContext.TransportHeaders.GetAll().Select(h => new KeyValuePair<string, object?>(h.Key, h.Value));
        foreach (var header in headers)
        {
            // RabbitMQ's own dead-letter bookkeeping (x-death, ...) grows with each round; the round count is ours.
            if (!header.Key.StartsWith("x-", StringComparison.Ordinal) && header.Key != CountHeader)
            {
                properties.Headers[header.Key] = header.Value;
            }
        }
        properties.Headers[CountHeader] = round + 1;

        var body = context.ReceiveContext.Body.GetBytes();
        await _lock.WaitAsync(context.CancellationToken);
        try
        {
            var channel = await ChannelAsync(context.CancellationToken);
            var wait = WaitQueue(delay);
            if (_declared.Add(wait))
            {
                await channel.ExchangeDeclareAsync(wait, ExchangeType.Fanout, durable: true, autoDelete: false,
                    cancellationToken: context.CancellationToken);
                var arguments = new Dictionary<string, object?>
                {
                    ["x-message-ttl"] = (long)delay.TotalMilliseconds,
                    // The default exchange routes by queue name: the routing key below is the consumer's queue.
                    ["x-dead-letter-exchange"] = "",
                };
                if (_quorum)
                {
                    // Message TTL and dead-lettering on quorum queues need RabbitMQ 3.10 or later.
                    arguments["x-queue-type"] = "quorum";
                }
                await channel.QueueDeclareAsync(wait, durable: true, exclusive: false, autoDelete: false, arguments,
                    cancellationToken: context.CancellationToken);
                await channel.QueueBindAsync(wait, wait, "", cancellationToken: context.CancellationToken);
            }
            // Confirmed (and routed: mandatory) before this returns, so the original may be acknowledged.
            await channel.BasicPublishAsync(wait, queue, mandatory: true, properties, body, context.CancellationToken);
        }
        catch
        {
            _declared.Clear();
            await ResetAsync();
            throw;
        }
        finally
        {
            _lock.Release();
        }
        Redeliveries.Add(1, new KeyValuePair<string, object?>("queue", queue), new KeyValuePair<string, object?>("round", round + 1));
        _logger.Redelivered(failure, queue, context.MessageId, failure.GetBaseException().Message, delay, round + 1, Intervals.Count);
    }

    private async Task<IChannel> ChannelAsync(CancellationToken cancellationToken)
    {
        if (_channel is { IsOpen: true } open)
        {
            return open;
        }
        await ResetAsync();
        _connection = await new ConnectionFactory { Uri = _broker, ClientProvidedName = "hub-redelivery" }.CreateConnectionAsync(cancellationToken);
        _channel = await _connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true,
            publisherConfirmationTrackingEnabled: true),
            cancellationToken);
        _declared.Clear();
        return _channel;
    }

    private async Task ResetAsync()
    {
        try
        {
            if (_channel is not null)
            {
                await _channel.DisposeAsync();
            }
            if (_connection is not null)
            {
                await _connection.DisposeAsync();
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or RabbitMQ.Client.Exceptions.AlreadyClosedException)
        {
            // Already gone.
        }
        (_channel, _connection) = (null, null);
    }

    public async ValueTask DisposeAsync()
    {
        await ResetAsync();
        _lock.Dispose();
    }

    /// <summary>Adds the filter to each message type's pipe as the endpoint configures it, in the order observers connect.</summary>
    private sealed class Observer : ConfigurationObserver, IMessageConfigurationObserver
    {
        private readonly MessageRedelivery _redelivery;

        public Observer(IConsumePipeConfigurator configurator, MessageRedelivery redelivery) : base(configurator)
        {
            _redelivery = redelivery;
            Connect(this);
        }

        public void MessageConfigured<TMessage>(IConsumePipeConfigurator configurator) where TMessage : class =>
            configurator.AddPipeSpecification(new FilterPipeSpecification<ConsumeContext<TMessage>>(new Filter<TMessage>(_redelivery)));
    }

    private sealed class Filter<TMessage>(MessageRedelivery redelivery) : IFilter<ConsumeContext<TMessage>> where TMessage : class
    {
        public void Probe(ProbeContext context) => context.CreateFilterScope("hubRedelivery");

        public async Task Send(ConsumeContext<TMessage> context, IPipe<ConsumeContext<TMessage>> next)
        {
            try
            {
                await next.Send(context);
            }
            catch (Exception ex) when (!context.CancellationToken.IsCancellationRequested && IsTransient(ex))
            {
                if (!await redelivery.TryRedeliverAsync(context, ex))
                {
                    throw; // Its rounds are spent: to the _error queue.
                }
                // Moved to the wait queue: this delivery is done with (acknowledged, not dead-lettered).
                await context.NotifyConsumed(context, context.ReceiveContext.ElapsedTime, "redelivery");
            }
        }
    }
}
