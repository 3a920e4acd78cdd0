using System.Text;
using HubPlatform.Metrics.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Metrics.Queries;

/// <summary>
/// A SQL statement assembled from fixed fragments (never input) and parameters, for the reports
/// whose optional filters and grouping keys LINQ would make unreadable. Values always travel
/// as parameters: <see cref="P"/> returns the placeholder to append.
/// </summary>
internal sealed class SqlText
{
    private readonly StringBuilder _text = new();
    private readonly List<object> _values = [];

    public SqlText(string sql = "") => _text.Append(sql);

    public SqlText Append(string sql)
    {
        _text.Append(sql);
        return this;
    }

    /// <summary>Appends another statement as a subquery (its parameters renumbered after this one's), then <paramref name="after"/>.</summary>
    public SqlText Append(SqlText inner, string after)
    {
        var offset = _values.Count;
        var text = System.Text.RegularExpressions.Regex.Replace(inner._text.ToString(), @"\{(\d+)\}",
            m => $"{{{int.Parse(m.Groups[1].Value) + offset}}}");
        _text.Append(text).Append(after);
        _values.AddRange(inner._values);
        return this;
    }

    /// <summary>Adds a parameter and returns its placeholder.</summary>
    public string P(object value)
    {
        _values.Add(value);
        return $"{{{_values.Count - 1}}}";
    }

    // The text holds only this project's fragments; every value is a parameter.
#pragma warning disable EF1002
    public Task<List<T>> ListAsync<T>(MetricsDbContext db, CancellationToken ct) =>
        db.Database.SqlQueryRaw<T>(_text.ToString(), _values.ToArray()).ToListAsync(ct);
#pragma warning restore EF1002
}
