using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace HubPlatform.HubEmulator.Hub;

/// <summary>
/// The repos of one type that the listing pages through, addressed by index. Index order is
/// <c>_id</c> order (creation order, as Mongo ids are), which is also the tie-break of every sort.
/// Replayed repos keep JSON objects; generated ones keep compact records and build JSON per page.
/// </summary>
public abstract class RepoCollection
{
    private ConcurrentDictionary<(string Sort, bool Descending), int[]> _orders = new();

    protected RepoCollection(RepoType type) => Type = type;

    public RepoType Type { get; }

    /// <summary>The indices of the repos that exist now, in <c>_id</c> order.</summary>
    protected abstract int[] Existing();

    public int Count => Ordered("_id", false).Length;

    public abstract string Id(int index);

    public abstract string MongoId(int index);

    public abstract string Author(int index);

    public abstract string? PipelineTag(int index);

    public abstract bool HasTag(int index, string tag);

    /// <summary>An <c>author=</c> (case-insensitive, as on the Hub) as a test on repo indices, prepared once per page.</summary>
    public virtual Func<int, bool> AuthorFilter(string author) =>
        index => string.Equals(Author(index), author, StringComparison.OrdinalIgnoreCase);

    /// <summary>A <c>filter=</c> tag as a test on repo indices, prepared once per page.</summary>
    public virtual Func<int, bool> TagFilter(string tag) => index => HasTag(index, tag);

    public abstract SortValue SortValue(int index, string sort);

    /// <summary>The repo in the Hub's raw shape, as <c>?full=true&amp;cardData=true</c> returns it.</summary>
    public abstract JsonObject Json(int index);

    /// <summary>The index of the repo with this id that exists now, or -1.</summary>
    public abstract int IndexOf(string id);

    /// <summary>The id a renamed repo now has, or null.</summary>
    public abstract string? RenamedTo(string id);

    public virtual string? Card(string id) => null;

    /// <summary>Existing repos in one listing order; built once per sort and reused by every page.</summary>
    public int[] Ordered(string sort, bool descending)
    {
        Refresh();
        return _orders.GetOrAdd((sort, descending), key =>
        {
            var existing = Existing();
            if (key.Sort == "_id")
            {
                return key.Descending ? existing.Reverse().ToArray() : existing;
            }
            var values = new SortValue[existing.Length];
            for (var i = 0; i < existing.Length; i++)
            {
                values[i] = SortValue(existing[i], key.Sort);
            }
            var order = (int[])existing.Clone();
            // Index order is _id order, so (value, index) is the Hub's (value, _id) keyset order.
            var sign = key.Descending ? -1 : 1;
            var positions = Enumerable.Range(0, existing.Length).ToArray();
            Array.Sort(positions, (a, b) =>
            {
                var c = values[a].CompareTo(values[b]);
                return sign * (c != 0 ? c : existing[a].CompareTo(existing[b]));
            });
            for (var i = 0; i < positions.Length; i++)
            {
                order[i] = existing[positions[i]];
            }
            return order;
        });
    }

    /// <summary>Catch up with the emulator's clock; repos that do not change with it do nothing.</summary>
    public virtual void Refresh()
    {
    }

    /// <summary>
    /// Forget the orders, after the clock moved and repos changed. A fresh dictionary rather than
    /// Clear(), so a page being built from the old repos cannot leave a stale order behind.
    /// </summary>
    protected void Invalidate() => _orders = new();
}
