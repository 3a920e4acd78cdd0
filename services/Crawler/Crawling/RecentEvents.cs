using System.Collections.Concurrent;

namespace HubPlatform.Crawler.Crawling;

/// <summary>
/// The events this process committed to the outbox in the last moments, by message id, so the relay
/// publishes the object it already has instead of reading its payload back and deserializing it (a
/// listing page's event is ~1 MB of JSON: Postgres decompresses it, the crawler parses it, for an object
/// it had a moment before). A row not found here (committed by another replica, before a restart, or by the
/// card backlog) is read from its payload as before. Bounded: the relay takes what it publishes, and
/// entries it never takes (a row published by another replica) are dropped oldest first.
/// </summary>
public sealed class RecentEvents
{
    /// <summary>
    /// Well beyond how far the relay lags behind the commits (each commit wakes it), and small enough to hold
    /// while the broker is away (a page's event is a few MB of objects).
    /// </summary>
    public const int Capacity = 16;

    private readonly ConcurrentDictionary<Guid, object> _events = new();
    private readonly ConcurrentQueue<Guid> _order = new();

    public void Add(Guid messageId, object message)
    {
        if (_events.TryAdd(messageId, message))
        {
            _order.Enqueue(messageId);
        }
        while (_order.Count > Capacity && _order.TryDequeue(out var oldest))
        {
            _events.TryRemove(oldest, out _);
        }
    }

    public bool TryTake(Guid messageId, out object message) => _events.TryRemove(messageId, out message!);
}
