using System.Text.Json;
using HubPlatform.Contracts;
using HubPlatform.Crawler.Infrastructure;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Crawler.Crawling;

/// <summary>
/// Publishes outbox rows to RabbitMQ in order and marks them sent. While the broker is down the
/// rows wait; a crash between publish and mark re-publishes with the same MessageId, which the
/// idempotent consumers absorb. Replicas share the work through <c>FOR UPDATE SKIP LOCKED</c>.
/// </summary>
public sealed class OutboxRelay(IServiceScopeFactory scopes, OutboxSignal signal, TimeProvider time, ILogger<OutboxRelay> logger) : BackgroundService
{
    private const int BatchSize = 20;
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
                logger.LogWarning(ex, "Relaying the outbox failed; events stay queued and are retried");
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            }
        }
    }

    public async Task<int> RelayBatchAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrawlerDbContext>();
        var bus = scope.ServiceProvider.GetRequiredService<IPublishEndpoint>();

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var batch = await db.Outbox
            .FromSql($"SELECT * FROM crawler.outbox WHERE sent_at IS NULL ORDER BY id LIMIT {BatchSize} FOR UPDATE SKIP LOCKED")
            .AsNoTracking() // Tracking would copy and compare every ~1 MB payload just to set sent_at.
            .ToListAsync(cancellationToken);
        foreach (var row in batch)
        {
            if (!MessageTypes.TryGetValue(row.MessageType, out var type))
            {
                throw new InvalidOperationException($"Outbox row {row.Id} has unknown type {row.MessageType}.");
            }
            var message = JsonSerializer.Deserialize(row.Payload, type)!;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(PublishTimeout);
            await bus.Publish(message, type, context => context.MessageId = row.MessageId, timeout.Token);
        }
        if (batch.Count > 0)
        {
            var sent = batch.Select(r => r.Id).ToArray();
            var now = time.GetUtcNow();
            await db.Outbox.Where(r => sent.Contains(r.Id)).ExecuteUpdateAsync(s => s.SetProperty(r => r.SentAt, now), cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return batch.Count;
    }
}
