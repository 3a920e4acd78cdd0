using System.Text.Json;
using HubPlatform.Crawler.Infrastructure;

namespace HubPlatform.Crawler.Crawling;

/// <summary>
/// Writes events into the outbox table, inside the caller's transaction: an event exists exactly
/// when the checkpoint that produced it is committed, whether or not the broker is up.
/// </summary>
public static class Outbox
{
    public static void Enqueue<T>(this CrawlerDbContext db, T message, DateTimeOffset now) where T : class =>
        db.Outbox.Add(Message(message, now));

    /// <summary>An outbox row for <paramref name="message"/>: its JSON as UTF-8 bytes, the form the relay reads back.</summary>
    public static OutboxMessage Message<T>(T message, DateTimeOffset now) where T : class => new()
    {
        MessageId = Guid.CreateVersion7(now),
        MessageType = typeof(T).Name,
        Payload = JsonSerializer.SerializeToUtf8Bytes(message),
        CreatedAt = now,
        Message = message,
    };
}

/// <summary>Wakes the relay as soon as a crawl commits events, instead of waiting for its next poll.</summary>
public sealed class OutboxSignal : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        if (_signal.CurrentCount == 0)
        {
            try
            {
                _signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already signalled.
            }
        }
    }

    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _signal.Dispose();
}
