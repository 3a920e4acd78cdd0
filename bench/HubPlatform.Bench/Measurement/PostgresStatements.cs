using Npgsql;

namespace HubPlatform.Bench.Measurement;

/// <summary>
/// Where Postgres spends its time, per statement, from <c>pg_stat_statements</c> (the local
/// servers preload it). Postgres is the biggest CPU user of an ingest, and per-process CPU alone
/// cannot say which service's statements cost it.
/// </summary>
public static class PostgresStatements
{
    public sealed record Statement(string Role, long Calls, double TotalMs, long Rows, string Query);

    /// <summary>Starts counting from zero; false when the extension is not loaded (servers not started by the platform).</summary>
    public static async Task<bool> ResetAsync(NpgsqlConnection db, CancellationToken ct)
    {
        try
        {
            await using var create = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements", db);
            await create.ExecuteNonQueryAsync(ct);
            await using var reset = new NpgsqlCommand("SELECT pg_stat_statements_reset()", db);
            await reset.ExecuteNonQueryAsync(ct);
            return true;
        }
        catch (PostgresException ex)
        {
            Console.WriteLine($"bench: pg_stat_statements unavailable ({ex.MessageText}); no per-statement breakdown");
            return false;
        }
    }

    /// <summary>The statements that took the most execution time since the reset.</summary>
    public static async Task<List<Statement>> TopAsync(NpgsqlConnection db, int count, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            SELECT r.rolname, s.calls, s.total_exec_time, s.rows, regexp_replace(s.query, '\s+', ' ', 'g')
            FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid
            ORDER BY s.total_exec_time DESC LIMIT $1
            """, db);
        command.Parameters.AddWithValue(count);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var statements = new List<Statement>();
        while (await reader.ReadAsync(ct))
        {
            statements.Add(new(reader.GetString(0), reader.GetInt64(1), reader.GetDouble(2), reader.GetInt64(3), reader.GetString(4)));
        }
        return statements;
    }

    /// <summary>Execution time and calls of all statements per role since the reset.</summary>
    public static async Task<List<(string Role, long Calls, double TotalMs)>> ByRoleAsync(NpgsqlConnection db, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            SELECT r.rolname, sum(s.calls)::bigint, sum(s.total_exec_time)
            FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid
            GROUP BY r.rolname ORDER BY 3 DESC
            """, db);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var roles = new List<(string, long, double)>();
        while (await reader.ReadAsync(ct))
        {
            roles.Add((reader.GetString(0), reader.GetInt64(1), reader.GetDouble(2)));
        }
        return roles;
    }

    /// <summary>Total execution time of every statement since the reset, in ms.</summary>
    public static async Task<double> TotalMsAsync(NpgsqlConnection db, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT coalesce(sum(total_exec_time), 0) FROM pg_stat_statements", db);
        return Convert.ToDouble(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A statement's text short enough for a table cell, with the pipes a Markdown table would split on escaped.</summary>
    public static string Cell(string query, int length = 110) =>
        "`" + (query.Length > length ? query[..length] + "…" : query).Replace("|", "\\|").Replace("`", "'") + "`";
}
