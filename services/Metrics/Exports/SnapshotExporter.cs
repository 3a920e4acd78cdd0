using System.Data.Common;
using System.Globalization;
using HubPlatform.Metrics.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Metrics.Exports;

/// <summary>
/// Streams one snapshot's repos of a kind as CSV or Parquet straight from a database reader:
/// CSV row by row, Parquet one row group at a time, so a 2M-model export never sits in memory.
/// </summary>
public sealed class SnapshotExporter(MetricsDbContext db, ILogger<SnapshotExporter> logger)
{
    public static readonly string[] Formats = ["csv", "parquet"];

    public const int RowGroupSize = 50_000;

    public async Task WriteAsync(Guid snapshot, string kind, string format, Stream output, CancellationToken ct)
    {
        var (from, columns) = ExportColumns.Kinds[kind];
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {string.Join(", ", columns.Select(c => c.Sql))} FROM {from} WHERE f.snapshot_id = @snapshot ORDER BY r.id";
            var parameter = command.CreateParameter();
            parameter.ParameterName = "snapshot";
            parameter.Value = snapshot;
            command.Parameters.Add(parameter);
            await using var reader = await command.ExecuteReaderAsync(ct);
            var rows = format == "csv"
                ? await CsvExport.WriteAsync(reader, columns, output, ct)
                : await ParquetExport.WriteAsync(reader, columns, output, ct);
            logger.Exported(rows, kind, snapshot, format);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The value of a column as its export type, or null.</summary>
    internal static object? Read(DbDataReader reader, int i, ColumnType type) => reader.IsDBNull(i) ? null : type switch
    {
        ColumnType.Text => reader.GetString(i),
        ColumnType.Integer => reader.GetInt64(i),
        ColumnType.Real => reader.GetDouble(i),
        ColumnType.Boolean => reader.GetBoolean(i),
        ColumnType.Timestamp => reader.GetFieldValue<DateTime>(i),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    internal static string Format(object? value) => value switch
    {
        null => "",
        DateTime t => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
