using System.Globalization;

namespace HubPlatform.HubEmulator.Hub;

/// <summary>
/// A repo's value for one listing sort: numbers and dates (as Unix milliseconds) compare as
/// <see cref="Number"/>, ids as <see cref="Text"/>. One shape for both so replayed and generated
/// repos share the listing code and the cursor format.
/// </summary>
public readonly record struct SortValue(double Number, string? Text) : IComparable<SortValue>
{
    public static readonly IReadOnlySet<string> Sorts = new HashSet<string>(StringComparer.Ordinal)
    {
        "_id", "createdAt", "lastModified", "downloads", "likes", "trendingScore", "id",
    };

    public int CompareTo(SortValue other)
    {
        var c = Number.CompareTo(other.Number);
        return c != 0 ? c : string.CompareOrdinal(Text, other.Text);
    }

    public static bool operator <(SortValue left, SortValue right) => left.CompareTo(right) < 0;

    public static bool operator <=(SortValue left, SortValue right) => left.CompareTo(right) <= 0;

    public static bool operator >(SortValue left, SortValue right) => left.CompareTo(right) > 0;

    public static bool operator >=(SortValue left, SortValue right) => left.CompareTo(right) >= 0;

    public static SortValue Date(string? iso) =>
        new(DateTimeOffset.TryParse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d)
            ? d.ToUnixTimeMilliseconds() : 0, null);

    public string Format() => $"{Number.ToString("R", CultureInfo.InvariantCulture)}\u001e{Text}";

    public static SortValue Parse(string text)
    {
        var split = text.Split('\u001e');
        return split.Length == 2 && double.TryParse(split[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            ? new SortValue(number, split[1].Length == 0 ? null : split[1])
            : throw new FormatException("Invalid cursor.");
    }
}
