using System.Collections.Concurrent;
using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace HubPlatform.Bench.Platform;

/// <summary>
/// Hears SnapshotIngested as the gateway does: a queue of the bench's own bound to the event's
/// exchange (MassTransit names it after the contract type), so the bench knows the moment each
/// service says a snapshot is fully in.
/// </summary>
public sealed class IngestedListener : IAsyncDisposable
{
    private const string Exchange = "HubPlatform.Contracts:SnapshotIngested";
    private readonly ConcurrentDictionary<(Guid Snapshot, string Service), DateTimeOffset> _heard = new();
    private IConnection? _connection;
    private IChannel? _channel;

    public static async Task<IngestedListener> StartAsync(string uri, CancellationToken cancellationToken)
    {
        var listener = new IngestedListener();
        var factory = new ConnectionFactory { Uri = new Uri(uri) };
        listener._connection = await factory.CreateConnectionAsync(cancellationToken);
        listener._channel = await listener._connection.CreateChannelAsync(cancellationToken: cancellationToken);
        await listener._channel.ExchangeDeclareAsync(Exchange, ExchangeType.Fanout, durable: true, cancellationToken: cancellationToken);
        var queue = await listener._channel.QueueDeclareAsync(cancellationToken: cancellationToken);
        await listener._channel.QueueBindAsync(queue.QueueName, Exchange, "", cancellationToken: cancellationToken);
        var consumer = new AsyncEventingBasicConsumer(listener._channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            var message = JsonDocument.Parse(delivery.Body).RootElement.GetProperty("message");
            listener._heard.TryAdd((message.GetProperty("snapshotId").GetGuid(), message.GetProperty("service").GetString()!), DateTimeOffset.UtcNow);
            return Task.CompletedTask;
        };
        await listener._channel.BasicConsumeAsync(queue.QueueName, autoAck: true, consumer, cancellationToken);
        return listener;
    }

    /// <summary>When <paramref name="service"/> said <paramref name="snapshot"/> is ingested, if it did.</summary>
    public DateTimeOffset? HeardAt(Guid snapshot, string service) =>
        _heard.TryGetValue((snapshot, service), out var at) ? at : null;

    public async ValueTask DisposeAsync()
    {
        if (_channel is not null) await _channel.DisposeAsync();
        if (_connection is not null) await _connection.DisposeAsync();
    }
}
