using Npgsql;
using NpgsqlTypes;

namespace HubPlatform.Lineage.Graph;

/// <summary>
/// When a query looks at the graph: the latest state (the open edge versions, read through partial
/// indexes, never history) or the state at a date (the versions whose interval holds it). The SQL
/// fragments name the parameter <c>@as_of</c>; <see cref="Parameters"/> supplies it when needed.
/// </summary>
public sealed record GraphAsOf(DateTimeOffset? At, Guid? SnapshotId)
{
    public static readonly GraphAsOf Latest = new(null, null);

    public bool IsLatest => At is null;

    /// <summary>Part of cache keys: answers differ by the moment they describe.</summary>
    public string Key => At is { } at ? at.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture) : "latest";

    /// <summary>The edge versions of alias <paramref name="e"/> that hold at this moment.</summary>
    public string Edges(string e) => IsLatest
        ? $"{e}.valid_to IS NULL"
        : $"{e}.valid_from <= @as_of AND ({e}.valid_to IS NULL OR {e}.valid_to > @as_of)";

    /// <summary>Whether node alias <paramref name="m"/> was a crawled, not removed model at this moment.</summary>
    public string Resolved(string m) => IsLatest
        ? $"{m}.resolved"
        : $"({m}.first_observed_at IS NOT NULL AND {m}.first_observed_at <= @as_of AND ({m}.removed_at IS NULL OR {m}.removed_at > @as_of))";

    public IEnumerable<NpgsqlParameter> Parameters() =>
        IsLatest ? [] : [new NpgsqlParameter("as_of", NpgsqlDbType.TimestampTz) { Value = At!.Value.ToUniversalTime() }];
}
