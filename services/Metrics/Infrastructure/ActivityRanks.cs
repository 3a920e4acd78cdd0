using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace HubPlatform.Metrics.Infrastructure;

/// <summary>
/// The HeatMap ranking of every window the API takes, precomputed when a snapshot's aggregates are built. A window
/// always ends on the snapshot's day and is 1 to <see cref="MaxWeeks"/> weeks long, so a snapshot has only that many
/// rankings; each keeps its top <see cref="Kept"/> authors (the API's largest k), and a ranking is then a read of k
/// rows instead of summing every author's days in the window (1.2M author-days at 1M models).
/// <para>The sweep: week w (0 = the 7 days ending on the snapshot's day) adds the repos each author created in it, so
/// the window of N weeks is weeks 0..N-1, and an author's total only grows with N. The top of N+1 weeks is therefore
/// the best <see cref="Kept"/> of the top of N weeks and the authors active in week N: an author in neither was
/// behind at least <see cref="Kept"/> authors that have not fallen since. One pass over the author-weeks, a sort of
/// a few thousand rows per week. A window is stored only when a repo was created in its last week (otherwise its
/// ranking is the shorter window's): the reader takes the longest stored window not longer than the one asked for.</para>
/// </summary>
public static class ActivityRanks
{
    public const string Table = "activity_ranks";

    /// <summary>Authors kept per window: the largest k the ranking API takes.</summary>
    public const int Kept = 500;

    /// <summary>The longest window the API takes, in weeks.</summary>
    public const int MaxWeeks = 520;

    /// <summary>Fills <paramref name="target"/> (the fresh partition) from the snapshot's repos created per day in
    /// <paramref name="createdPerDay"/>.</summary>
    public static async Task FillAsync(MetricsDbContext db, string createdPerDay, string target, Guid snapshot, DateOnly snapshotDay,
        CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var weeks = new List<(string Author, long Repos)>[MaxWeeks];
        for (var w = 0; w < MaxWeeks; w++)
        {
            weeks[w] = [];
        }
        // Not sorted in Postgres: the weeks are bucketed here. The table names are a Guid and fixed strings; the values are parameters.
        await using (var command = new NpgsqlCommand($"""
                         SELECT c.author, (@day - c.day) / 7, sum(c.repos)::bigint FROM {createdPerDay} c
                         WHERE c.snapshot_id = @snapshot AND c.day <= @day AND c.day > @day - {MaxWeeks * 7}
                         GROUP BY 1, 2
                         """, connection))
        {
            command.Parameters.AddWithValue("day", snapshotDay);
            command.Parameters.AddWithValue("snapshot", snapshot);
            command.CommandTimeout = (int)SnapshotAggregates.BuildTimeout.TotalSeconds;
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                weeks[reader.GetInt32(1)].Add((reader.GetString(0), reader.GetInt64(2)));
            }
        }

        var totals = new Dictionary<string, long>(StringComparer.Ordinal);
        var top = new List<(string Author, long Total)>();
        await using var import = await connection.BeginBinaryImportAsync($"COPY {target} (snapshot_id, weeks, rank, author, total) FROM STDIN " +
                                                                         "(FORMAT BINARY)", ct);
        for (var w = 0; w < MaxWeeks; w++)
        {
            if (weeks[w].Count == 0)
            {
                continue;
            }
            var candidates = top.ToDictionary(t => t.Author, t => t.Total, StringComparer.Ordinal);
            foreach (var (author, repos) in weeks[w])
            {
                candidates[author] = totals[author] = totals.GetValueOrDefault(author) + repos;
            }
            top = candidates.Select(c => (Author: c.Key, Total: c.Value))
                .OrderByDescending(c => c.Total).ThenBy(c => c.Author, StringComparer.Ordinal).Take(Kept).ToList();
            for (var rank = 0; rank < top.Count; rank++)
            {
                await import.StartRowAsync(ct);
                await import.WriteAsync(snapshot, NpgsqlDbType.Uuid, ct);
                await import.WriteAsync((short)(w + 1), NpgsqlDbType.Smallint, ct);
                await import.WriteAsync((short)(rank + 1), NpgsqlDbType.Smallint, ct);
                await import.WriteAsync(top[rank].Author, NpgsqlDbType.Text, ct);
                await import.WriteAsync(top[rank].Total, NpgsqlDbType.Bigint, ct);
            }
        }
        await import.CompleteAsync(ct);
    }
}
