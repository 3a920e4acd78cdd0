using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace HubPlatform.Gateway.Admin;

/// <summary>A dead-lettered message as an operator needs to see it: what it was and why it failed.</summary>
public sealed record DeadLetter(string? MessageId, string? MessageType, string? Reason, string? ExceptionType, string? FaultedAt);

public sealed record DeadLetterSummary(string Queue, string ErrorQueue, uint Messages, IReadOnlyList<DeadLetter> Sample);

public sealed record DeadLetterReplay(string Queue, int Replayed, uint Remaining);

/// <summary>
/// The error queues MassTransit fills (<c>{queue}_error</c>, one per consumer queue) and their
/// replay: each message is sent back to its queue through the default exchange, without the
/// fault headers, and only then acknowledged, so a crash mid-replay duplicates at worst (consumers
/// are idempotent) and never loses a message.
/// </summary>
public sealed partial class DeadLetterQueues(IConfiguration configuration, ILogger<DeadLetterQueues> logger) : IAsyncDisposable
{
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private IConnection? _connection;

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,99}$")]
    public static partial Regex QueueName();

    /// <summary>Null when the queue has no error queue (nothing ever failed there, or no such queue).</summary>
    public async Task<DeadLetterSummary?> InspectAsync(string queue, int sample, CancellationToken cancellationToken)
    {
        await using var channel = await OpenChannelAsync(confirms: false, cancellationToken);
        var errorQueue = queue + "_error";
        if (await CountAsync(channel, errorQueue, cancellationToken) is not { } count)
        {
            return null;
        }
        // Peek: take without acknowledging, then give everything back in one go.
        var seen = new List<DeadLetter>();
        ulong lastTag = 0;
        for (var i = 0; i < sample; i++)
        {
            if (await channel.BasicGetAsync(errorQueue, autoAck: false, cancellationToken) is not { } message)
            {
                break;
            }
            seen.Add(Describe(message));
            lastTag = message.DeliveryTag;
        }
        if (lastTag > 0)
        {
            await channel.BasicNackAsync(lastTag, multiple: true, requeue: true, cancellationToken);
        }
        return new DeadLetterSummary(queue, errorQueue, count, seen);
    }

    /// <summary>Null when the queue or its error queue does not exist.</summary>
    public async Task<DeadLetterReplay?> ReplayAsync(string queue, int max, CancellationToken cancellationToken)
    {
        await using var channel = await OpenChannelAsync(confirms: true, cancellationToken);
        var errorQueue = queue + "_error";
        if (await CountAsync(channel, queue, cancellationToken) is null
            || await CountAsync(channel, errorQueue, cancellationToken) is not { } waiting)
        {
            return null;
        }
        // Only what was there when asked: a message that fails again right away must not loop.
        var replayed = 0;
        while (replayed < Math.Min(max, waiting) && await channel.BasicGetAsync(errorQueue, autoAck: false, cancellationToken) is { } message)
        {
            var properties = new BasicProperties(message.BasicProperties) { Persistent = true };
            properties.Headers = message.BasicProperties.Headers?
                .Where(h => !h.Key.StartsWith("MT-Fault-", StringComparison.Ordinal) && h.Key != "MT-Reason")
                .ToDictionary(h => h.Key, h => h.Value);
            await channel.BasicPublishAsync("", queue, mandatory: true, properties, message.Body, cancellationToken);
            await channel.BasicAckAsync(message.DeliveryTag, multiple: false, cancellationToken);
            replayed++;
        }
        var remaining = await CountAsync(channel, errorQueue, cancellationToken) ?? 0;
        logger.DeadLettersReplayed(replayed, errorQueue, queue, remaining);
        return new DeadLetterReplay(queue, replayed, remaining);
    }

    private static DeadLetter Describe(BasicGetResult message)
    {
        var headers = message.BasicProperties.Headers ?? new Dictionary<string, object?>();
        string? Header(string name) => headers.TryGetValue(name, out var value) ? value switch
        {
            byte[] bytes => Encoding.UTF8.GetString(bytes),
            null => null,
            _ => value.ToString(),
        } : null;
        var (envelopeId, envelopeType) = ReadEnvelope(message.Body);
        return new DeadLetter(
            message.BasicProperties.MessageId ?? envelopeId,
            envelopeType ?? message.BasicProperties.Type,
            Header("MT-Fault-Message"),
            Header("MT-Fault-ExceptionType"),
            Header("MT-Fault-Timestamp"));
    }

    /// <summary>MassTransit's JSON envelope names the message and its type (<c>urn:message:Namespace:Type</c>).</summary>
    private static (string? MessageId, string? MessageType) ReadEnvelope(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var envelope = JsonDocument.Parse(body);
            var root = envelope.RootElement;
            var id = root.TryGetProperty("messageId", out var messageId) ? messageId.GetString() : null;
            var type = root.TryGetProperty("messageType", out var types) && types.ValueKind == JsonValueKind.Array && types.GetArrayLength() > 0
                ? types[0].GetString()
                : null;
            return (id, type);
        }
        catch (JsonException)
        {
            return (null, null); // not an envelope (a raw message): its headers still tell the reason
        }
    }

    /// <summary>The queue's depth, or null when it does not exist (a passive declare closes the channel then).</summary>
    private static async Task<uint?> CountAsync(IChannel channel, string queue, CancellationToken cancellationToken)
    {
        try
        {
            return (await channel.QueueDeclarePassiveAsync(queue, cancellationToken)).MessageCount;
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == 404)
        {
            return null;
        }
    }

    private async Task<IChannel> OpenChannelAsync(bool confirms, CancellationToken cancellationToken)
    {
        await _connecting.WaitAsync(cancellationToken);
        try
        {
            if (_connection is not { IsOpen: true })
            {
                var uri = configuration.GetConnectionString(MessagingExtensions.ConnectionName)
                    ?? throw new InvalidOperationException("ConnectionStrings:messaging is not set.");
                _connection = await new ConnectionFactory { Uri = new Uri(uri), ClientProvidedName = "gateway-dead-letters" }
                    .CreateConnectionAsync(cancellationToken);
            }
        }
        finally
        {
            _connecting.Release();
        }
        return await _connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: confirms, publisherConfirmationTrackingEnabled: confirms), cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
        _connecting.Dispose();
    }
}
