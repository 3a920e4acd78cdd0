namespace HubPlatform.HubEmulator.Hub.Synthetic;

/// <summary>
/// Repos that can become parents, drawn in proportion to a weight (popular base models attract
/// most derivatives, so a few become platforms). Prefix sums keep a draw at O(log n).
/// </summary>
public sealed class WeightedPool
{
    private readonly List<int> _items = [];
    private readonly List<double> _cumulative = [];

    public int Count => _items.Count;

    public void Add(int item, double weight)
    {
        _items.Add(item);
        _cumulative.Add((_cumulative.Count == 0 ? 0 : _cumulative[^1]) + weight);
    }

    /// <summary>
    /// Draws among the items below <paramref name="below"/> (items are added in index order), so
    /// what a repo draws never depends on how far generation has run beyond it. -1 if none.
    /// </summary>
    public int Draw(ref SeededRandom random, int below = int.MaxValue)
    {
        var count = _items.BinarySearch(below);
        count = count < 0 ? ~count : count;
        if (count == 0)
        {
            return -1;
        }
        var target = random.NextDouble() * _cumulative[count - 1];
        var at = _cumulative.BinarySearch(0, count, target, null);
        return _items[Math.Min(at < 0 ? ~at : at + 1, count - 1)];
    }
}
