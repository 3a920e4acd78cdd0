using HubPlatform.Crawler.Hub;
using HubPlatform.Crawler.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Crawler.Crawling;

/// <summary>
/// How far the card backlog is: repos it knows (models and datasets), cards read (with a README,
/// or a 404 without), cards due (never read, or the sha moved), cards waiting after a failure,
/// and the hours the due ones need at the resolvers quota the Hub last announced (its
/// <c>RateLimit-Policy</c>; at the rate seen over the last minute until one was announced).
/// </summary>
public sealed record CardCoverage(
    long Repos, long Models, long Datasets, long Read, long WithReadme, long WithoutReadme, long Backlog, long Failing,
    double? ResolversQuotaPerSecond, double? FetchedPerSecond, double? EtaHours, string? EtaBasis, DateTimeOffset MeasuredAt)
{
    /// <summary>Share of the known repos whose card was read at least once (0 to 1).</summary>
    public double ReadShare => Repos == 0 ? 0 : (double)Read / Repos;

    /// <summary>Hours <paramref name="backlog"/> cards take at <paramref name="perSecond"/> requests per second (one request a card).</summary>
    public static double Hours(long backlog, double perSecond) => backlog / perSecond / 3600;
}

/// <summary>
/// Reads <see cref="CardCoverage"/> from crawler.cards, at most every couple of seconds (a count
/// over two million rows is ~0.2 s), and keeps the last reading for the metrics' gauges.
/// </summary>
public sealed class CardCoverageReader(IServiceScopeFactory scopes, RateLimitPacer pacer, TimeProvider time) : IDisposable
{
    private static readonly TimeSpan RateWindow = TimeSpan.FromMinutes(1);
    private readonly Lock _gate = new();
    private readonly Queue<(DateTimeOffset At, int Cards)> _recent = new();
    private readonly SemaphoreSlim _reading = new(1, 1);

    public CardCoverage? Last { get; private set; }

    /// <summary>Counts a committed batch, for the rate seen.</summary>
    public void Fetched(int cards, double seconds)
    {
        lock (_gate)
        {
            _recent.Enqueue((time.GetUtcNow(), cards));
        }
    }

    public async Task<CardCoverage> ReadAsync(CancellationToken ct, TimeSpan? atMostEvery = null)
    {
        if (Last is { } last && time.GetUtcNow() - last.MeasuredAt < (atMostEvery ?? TimeSpan.FromSeconds(2)))
        {
            return last;
        }
        await _reading.WaitAsync(ct);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CrawlerDbContext>();
            var row = (await db.Database.SqlQuery<string>($"""
                SELECT concat_ws(E'\t', count(*), count(*) FILTER (WHERE repo_type = 'Model'), count(*) FILTER (WHERE repo_type = 'Dataset'),
                    count(*) FILTER (WHERE fetched_at IS NOT NULL), count(*) FILTER (WHERE has_readme), count(*) FILTER (WHERE NOT has_readme),
                    count(*) FILTER (WHERE fetched_at IS NULL OR fetched_sha IS DISTINCT FROM sha),
                    count(*) FILTER (WHERE retry_at IS NOT NULL AND (fetched_at IS NULL OR fetched_sha IS DISTINCT FROM sha))) AS "Value"
                FROM crawler.cards
                """).ToListAsync(ct)).Single().Split('\t').Select(long.Parse).ToArray();
            var quota = pacer.PolicyOf("resolvers")?.RequestsPerSecond;
            var seen = SeenPerSecond();
            var backlog = row[6];
            var (eta, basis) = quota is { } q ? (CardCoverage.Hours(backlog, q), "resolvers quota")
                : seen is { } s && s > 0 ? (CardCoverage.Hours(backlog, s), "rate seen over the last minute")
                : backlog == 0 ? (0.0, "nothing due") : ((double?)null, (string?)null);
            return Last = new CardCoverage(row[0], row[1], row[2], row[3], row[4], row[5], backlog, row[7], quota, seen, eta, basis,
                time.GetUtcNow());
        }
        finally
        {
            _reading.Release();
        }
    }

    public Task RefreshAsync(CancellationToken ct, TimeSpan? atMostEvery = null) => ReadAsync(ct, atMostEvery);

    public void Dispose() => _reading.Dispose();

    private double? SeenPerSecond()
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            while (_recent.Count > 0 && now - _recent.Peek().At > RateWindow)
            {
                _recent.Dequeue();
            }
            if (_recent.Count < 2)
            {
                return null;
            }
            // Cards committed after the first batch of the window, over the time since it.
            var first = _recent.Peek();
            var seconds = (now - first.At).TotalSeconds;
            return seconds > 0 ? (_recent.Sum(r => r.Cards) - first.Cards) / seconds : null;
        }
    }
}
