using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using HubPlatform.Contracts;
using HubPlatform.Crawler.Infrastructure;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace HubPlatform.Crawler.Crawling;

/// <summary>
/// Publishes outbox rows to RabbitMQ, oldest first, a batch of them in flight at once, and marks
/// them sent. While the broker is down the rows wait (what it did not take stays unsent); a
/// crash between publish and mark re-publishes with the same MessageId, which the idempotent
/// consumers absorb. A row that fails for a reason of its own (its type unknown, its payload
/// unreadable, the bus refusing it) does not hold the rows behind it: its failure is counted, the
/// pass goes on, and after <see cref="CrawlerOptions.OutboxMaxAttempts"/> it is moved aside for an
/// admin (<c>/api/admin/outbox/failed</c>). Replicas share the work through <c>FOR UPDATE SKIP LOCKED</c>.
/// </summary>
public sealed class OutboxRelay(
    IServiceScopeFactory scopes, OutboxSignal signal, RecentEvents recent, IOptions<CrawlerOptions> options, TimeProvider time,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    private const int BatchSize = 20;
    private const int MaxErrorLength = 2000;
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(15);

    private static readonly Dictionary<string, Type> MessageTypes = typeof(ModelsObserved).Assembly.GetTypes()
        .Where(t => t.Namespace == typeof(ModelsObserved).Namespace && t.IsClass)
        .ToDictionary(t => t.Name);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await RelayBatchAsync(stoppingToken) == 0)
                {
                    await signal.WaitAsync(TimeSpan.FromSeconds(1), stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.RelayFailed(ex);
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            }
        }
    }

    /// <summary>One pass over the oldest pending rows; returns how many it sent or counted as failed.</summary>
    public async Task<int> RelayBatchAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrawlerDbContext>();
        var bus = scope.ServiceProvider.GetRequiredService<IPublishEndpoint>();

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // The payload is not read here: most events are still in this process (RecentEvents); the others are read one by one.
        var batch = await db.Outbox
            .FromSqlRaw($"SELECT * FROM crawler.outbox WHERE {CrawlerDbContext.OutboxPending} ORDER BY id LIMIT {BatchSize} FOR UPDATE SKIP LOCKED")
            .Select(r => new PendingEvent(r.Id, r.MessageId, r.MessageType, r.Attempts))
            .ToListAsync(cancellationToken);
        var sent = new List<long>(batch.Count);
        var failed = 0;
        ExceptionDispatchInfo? outage = null;
        // Every row's publish starts before any is awaited: the broker confirms them as a pipeline. One
        // publish-and-confirm at a time made the relay the ingest's bottleneck on a loaded machine (1M
        // models: 4.4 pages/s while the crawl committed 4.8, 180 events waiting).
        var publishes = new List<(PendingEvent Row, Task Publish)>(batch.Count);
        foreach (var row in batch)
        {
            Task publish;
            try
            {
                var (type, message) = await ResolveAsync(db, row, cancellationToken);
                publish = PublishAsync(bus, row, type, message, cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                publish = Task.FromException(ex);
            }
            publishes.Add((row, publish));
        }
        foreach (var (row, publish) in publishes)
        {
            try
            {
                await publish;
                sent.Add(row.Id);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && IsBrokerFault(ex))
            {
                // The broker, not the row: nothing counted, the row waits for the next pass.
                outage ??= ExceptionDispatchInfo.Capture(ex);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                await CountFailureAsync(db, row, ex, cancellationToken);
                failed++;
            }
        }
        if (sent.Count > 0)
        {
            var now = time.GetUtcNow();
            await db.Outbox.Where(r => sent.Contains(r.Id)).ExecuteUpdateAsync(s => s.SetProperty(r => r.SentAt, now), cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        outage?.Throw();
        return sent.Count + failed;
    }

    private sealed record PendingEvent(long Id, Guid MessageId, string MessageType, int Attempts);

    /// <summary>The row's event: the object this process committed, else its payload read and deserialized.</summary>
    private async Task<(Type Type, object Message)> ResolveAsync(CrawlerDbContext db, PendingEvent row, CancellationToken cancellationToken)
    {
        if (!MessageTypes.TryGetValue(row.MessageType, out var type))
        {
            throw new InvalidOperationException($"Unknown event type {row.MessageType}.");
        }
        if (!recent.TryTake(row.MessageId, out var message) || message.GetType() != type)
        {
            var payload = await db.Outbox.Where(r => r.Id == row.Id).Select(r => r.Payload).SingleAsync(cancellationToken);
            message = JsonSerializer.Deserialize(payload, type)
                ?? throw new InvalidOperationException($"The payload of a {row.MessageType} is JSON null.");
        }
        return (type, message);
    }

    private static async Task PublishAsync(IPublishEndpoint bus, PendingEvent row, Type type, object message, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(PublishTimeout);
        await bus.Publish(message, type, context => context.MessageId = row.MessageId, timeout.Token);
    }

    private async Task CountFailureAsync(CrawlerDbContext db, PendingEvent row, Exception ex, CancellationToken cancellationToken)
    {
        var attempts = row.Attempts + 1;
        var error = $"{ex.GetType().Name}: {ex.Message}";
        error = error.Length > MaxErrorLength ? error[..MaxErrorLength] : error;
        DateTimeOffset? failedAt = attempts >= options.Value.OutboxMaxAttempts ? time.GetUtcNow() : null;
        await db.Outbox.Where(r => r.Id == row.Id).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Attempts, attempts)
            .SetProperty(r => r.LastError, error)
            .SetProperty(r => r.FailedAt, failedAt), cancellationToken);
        CrawlerMetrics.OutboxFailures.Add(1, new KeyValuePair<string, object?>("event.type", row.MessageType));
        if (failedAt is null)
        {
            logger.RowNotPublished(ex, row.Id, row.MessageType, row.MessageId, attempts, options.Value.OutboxMaxAttempts);
            return;
        }
        CrawlerMetrics.OutboxMovedAside.Add(1, new KeyValuePair<string, object?>("event.type", row.MessageType));
        logger.RowMovedAside(ex, row.Id, row.MessageType, row.MessageId, attempts);
    }

    /// <summary>
    /// A failure of the broker or of the way to it (the publish timed out, the connection is gone),
    /// which every row would meet alike; anything else is the row's own.
    /// </summary>
    public static bool IsBrokerFault(Exception ex) => ex switch
    {
        OperationCanceledException or TimeoutException or SocketException or IOException => true,
        ConnectionException or TransportUnavailableException or MessageNotAcknowledgedException => true,
        _ when ex.GetType().Namespace?.StartsWith("RabbitMQ.Client", StringComparison.Ordinal) == true => true,
        _ => ex.InnerException is { } inner && IsBrokerFault(inner),
    };
}
