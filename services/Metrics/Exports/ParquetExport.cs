using System.Data.Common;
using Parquet;
using Parquet.Schema;

namespace HubPlatform.Metrics.Exports;

/// <summary>
/// Parquet, written one row group of <see cref="SnapshotExporter.RowGroupSize"/> rows at a time.
/// Parquet.Net tracks offsets with the stream's position, which an HTTP body does not have, so
/// it writes into a <see cref="ForwardStream"/> that counts bytes and is drained to the response
/// after every row group.
/// </summary>
internal static class ParquetExport
{
    public static async Task<long> WriteAsync(DbDataReader reader, ExportColumn[] columns, Stream output, CancellationToken ct)
    {
        var fields = columns.Select(Field).ToArray();
        var forward = new ForwardStream();
        var rows = 0L;
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), forward, cancellationToken: ct))
        {
            var buffers = columns.Select(_ => new List<object?>(SnapshotExporter.RowGroupSize)).ToArray();
            var more = true;
            while (more)
            {
                more = await reader.ReadAsync(ct);
                if (more)
                {
                    for (var i = 0; i < columns.Length; i++)
                    {
                        buffers[i].Add(SnapshotExporter.Read(reader, i, columns[i].Type));
                    }
                    rows++;
                }
                if (buffers[0].Count == SnapshotExporter.RowGroupSize || (!more && buffers[0].Count > 0))
                {
                    using (var group = writer.CreateRowGroup())
                    {
                        for (var i = 0; i < columns.Length; i++)
                        {
                            await WriteColumnAsync(group, fields[i], columns[i].Type, buffers[i], ct);
                            buffers[i].Clear();
                        }
                    }
                    await forward.DrainToAsync(output, ct);
                }
            }
        }
        await forward.DrainToAsync(output, ct);
        return rows;
    }

    private static DataField Field(ExportColumn c) => c.Type switch
    {
        ColumnType.Text => new DataField<string>(c.Name, true),
        ColumnType.Integer => new DataField<long?>(c.Name),
        ColumnType.Real => new DataField<double?>(c.Name),
        ColumnType.Boolean => new DataField<bool?>(c.Name),
        _ => new DataField<DateTime?>(c.Name),
    };

    private static Task WriteColumnAsync(ParquetRowGroupWriter group, DataField field, ColumnType type, List<object?> values, CancellationToken ct) =>
        type switch
        {
            ColumnType.Text => group.WriteAsync(field, values.Select(v => (string)v!).ToArray()),
            ColumnType.Integer => group.WriteAsync<long>(field, values.Select(v => (long?)v).ToArray(), cancellationToken: ct),
            ColumnType.Real => group.WriteAsync<double>(field, values.Select(v => (double?)v).ToArray(), cancellationToken: ct),
            ColumnType.Boolean => group.WriteAsync<bool>(field, values.Select(v => (bool?)v).ToArray(), cancellationToken: ct),
            _ => group.WriteAsync<DateTime>(field, values.Select(v => (DateTime?)v).ToArray(), cancellationToken: ct),
        };
}
