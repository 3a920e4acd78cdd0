namespace HubPlatform.HubEmulator.Hub.Synthetic;

/// <summary>
/// Random draws that depend only on (seed, stream, index): repo N gets the same attributes
/// whatever else was generated before it and whenever it is generated (SplitMix64 steps).
/// </summary>
public struct SeededRandom(int seed, int stream, long index)
{
    private ulong _state = Mix((ulong)seed * 0x9E3779B97F4A7C15UL ^ (ulong)stream << 48 ^ (ulong)index);

    public ulong NextULong() => Mix(_state += 0x9E3779B97F4A7C15UL);

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    public int Next(int maxExclusive) => (int)(NextDouble() * maxExclusive);

    public bool Chance(double p) => NextDouble() < p;

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    /// <summary>Pareto with minimum 1: heavy-tailed, the smaller <paramref name="alpha"/> the heavier.</summary>
    public double Pareto(double alpha) => Math.Pow(1 - NextDouble(), -1 / alpha);

    /// <summary>Index into <paramref name="weights"/> drawn in proportion to them.</summary>
    public int Weighted(IReadOnlyList<double> weights)
    {
        var roll = NextDouble() * weights.Sum();
        for (var i = 0; i < weights.Count; i++)
        {
            roll -= weights[i];
            if (roll < 0)
            {
                return i;
            }
        }
        return weights.Count - 1;
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
