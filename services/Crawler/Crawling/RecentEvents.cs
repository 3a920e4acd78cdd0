using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace HubPlatform.Crawler.Crawling;

/// <summary>
/// The events this process committed to the outbox in the last moments, by message id, so the relay
/// publishes the object it already has instead of reading its payload back and deserializing it (a
/// listing page's event is ~1 MB of JSON: Postgres decompresses it, the crawler parses it, for an object
/// it had a moment before). A row not found here (committed by another replica, before a restart, or by
/// the card backlog) is read from its payload as before. Bounded in count and age: when it is full the
/// newest event is not kept, since the relay publishes oldest first and a lagging relay needs the old
/// ones next (evicting those made it read back every payload: 1,699 of 1,717 at 1M models); an entry the
/// relay never takes (a row another replica published) leaves after <see cref="MaxAge"/>.
/// </summary>
public sealed class RecentEvents(TimeProvider time)
{
    /// <summary>A page's event is a few MB of objects: this many is well past the relay's usual lag, and bounded.</summary>
    public const int Capacity = 32;

    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(2);

    private readonly ConcurrentDictionary<Guid, (object Message, DateTimeOffset Added)> _events = new();

    public void Add(Guid messageId, object message)
    {
        var now = time.GetUtcNow();
        if (_events.Count >= Capacity)
        {
            foreach (var (id, entry) in _events)
            {
                if (now - entry.Added > MaxAge)
                {
                    _events.TryRemove(id, out _);
                }
            }
        }
        if (_events.Count < Capacity)
        {
            _events.TryAdd(messageId, (message, now));
        }
    }

    public bool TryTake(Guid messageId, [MaybeNullWhen(false)] out object message)
    {
        var found = _events.TryRemove(messageId, out var entry);
        message = found ? entry.Message : null;
        return found;
    }
}
