using System.Data.Common;
using System.Text;

namespace HubPlatform.Metrics.Exports;

/// <summary>RFC 4180 CSV: a header row, then one row per repo; fields with commas, quotes or line breaks are quoted.</summary>
internal static class CsvExport
{
    public static async Task<long> WriteAsync(DbDataReader reader, ExportColumn[] columns, Stream output, CancellationToken ct)
    {
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
        await writer.WriteAsync(string.Join(',', columns.Select(c => c.Name)) + "\r\n");
        var rows = 0L;
        var line = new StringBuilder();
        while (await reader.ReadAsync(ct))
        {
            line.Clear();
            for (var i = 0; i < columns.Length; i++)
            {
                if (i > 0)
                {
                    line.Append(',');
                }
                line.Append(Escape(SnapshotExporter.Format(SnapshotExporter.Read(reader, i, columns[i].Type))));
            }
            line.Append("\r\n");
            await writer.WriteAsync(line, ct);
            rows++;
        }
        await writer.FlushAsync(ct);
        return rows;
    }

    private static string Escape(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : "\"" + field.Replace("\"", "\"\"") + "\"";
}
