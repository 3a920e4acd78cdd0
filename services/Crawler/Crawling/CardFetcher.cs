using System.Diagnostics;
using System.Text.Json;
using HubPlatform.Contracts;
using HubPlatform.Crawler.Hub;
using HubPlatform.Crawler.Infrastructure;
using Microsoft.Extensions.Options;
using Npgsql;

namespace HubPlatform.Crawler.Crawling;

/// <summary>
/// Works the card backlog (<see cref="CardBacklog"/>) beside the crawls, until every due card is
/// read, then keeps up with what new listings bring. Each batch is fetched
/// <see cref="CrawlerOptions.CardConcurrency"/> at a time through <c>/resolve/</c>, paced by the
/// resolvers bucket alone (the listings' api bucket never waits for it, nor it for them), and
/// committed in one transaction: the CardsFetched events in the outbox and every card's "read at
/// sha" mark. A killed crawler fetches the uncommitted batch again and publishes it once; no card
/// is sent twice for one sha. One replica works the backlog at a time (a Postgres advisory lock).
/// </summary>
public sealed class CardFetcher(
    IServiceScopeFactory scopes,
    NpgsqlDataSource dataSource,
    OutboxSignal outboxSignal,
    CardCoverageReader coverage,
    IOptions<CrawlerOptions> options,
    TimeProvider time,
    ILogger<CardFetcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.FetchCards)
        {
            return;
        }
        CrawlerMetrics.ObserveCardCoverage(coverage);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await WorkWhileLockedAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.CardBacklogStopped(ex, options.Value.ResumeAfterFailure);
            }
            try
            {
                await Task.Delay(options.Value.ResumeAfterFailure, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task WorkWhileLockedAsync(CancellationToken stoppingToken)
    {
        // The lock lives as long as this connection: a killed replica releases it with its session.
        await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
        await using (var tryLock = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtext('crawler:cards'))", connection))
        {
            if (!(bool)(await tryLock.ExecuteScalarAsync(stoppingToken))!)
            {
                return; // Another replica works the backlog; look again later.
            }
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            if (await BatchAsync(stoppingToken) == 0)
            {
                await coverage.RefreshAsync(stoppingToken);
                await Task.Delay(options.Value.CardPoll, time, stoppingToken);
            }
        }
    }

    /// <summary>Fetches and commits one batch of due cards; returns how many were taken.</summary>
    public async Task<int> BatchAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrawlerDbContext>();
        var hub = scope.ServiceProvider.GetRequiredService<HubClient>();
        var batch = await CardBacklog.NextAsync(db, o.CardsPerBatch, time.GetUtcNow(), cancellationToken);
        if (batch.Count == 0)
        {
            return 0;
        }

        var started = Stopwatch.GetTimestamp();
        var reads = new CardRead?[batch.Count];
        var failed = new List<CardTarget>();
        await Parallel.ForEachAsync(Enumerable.Range(0, batch.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, o.CardConcurrency), CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                try
                {
                    reads[i] = new CardRead(batch[i], await hub.GetCardAsync(batch[i].Type, batch[i].Id, ct));
                }
                catch (HubRequestFailedException ex)
                {
                    logger.CardNotRead(batch[i].Type, batch[i].Id, ex.Message, o.CardRetryAfter);
                    lock (failed)
                    {
                        failed.Add(batch[i]);
                    }
                }
            });
        var done = reads.OfType<CardRead>().ToList();

        var now = time.GetUtcNow();
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            foreach (var group in done.Where(r => r.Text is not null).GroupBy(r => (r.Target.Type, r.Target.SnapshotId)))
            {
                foreach (var cards in Pages(group.Select(r => Card(r, o))))
                {
                    db.Enqueue(new CardsFetched(group.Key.SnapshotId, await CardBacklog.NextPageAsync(db, cancellationToken), now, group.Key.Type,
                        cards), now);
                }
            }
            await db.SaveChangesAsync(cancellationToken);
            await CardBacklog.ReadAsync(db, done, now, cancellationToken);
            if (failed.Count > 0)
            {
                await CardBacklog.FailedAsync(db, failed, now + o.CardRetryAfter, cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
        }
        db.ChangeTracker.Clear();
        outboxSignal.Notify();

        var withReadme = done.Count(r => r.Text is not null);
        CrawlerMetrics.Cards.Add(withReadme, new KeyValuePair<string, object?>("card.outcome", "readme"));
        CrawlerMetrics.Cards.Add(done.Count - withReadme, new KeyValuePair<string, object?>("card.outcome", "none"));
        CrawlerMetrics.Cards.Add(failed.Count, new KeyValuePair<string, object?>("card.outcome", "failed"));
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        coverage.Fetched(batch.Count, seconds);
        await coverage.RefreshAsync(cancellationToken, atMostEvery: TimeSpan.FromSeconds(5));
        var rate = batch.Count / Math.Max(seconds, 0.001);
        logger.CardsRead(batch.Count, seconds, rate, withReadme, failed.Count);
        return batch.Count;

        IEnumerable<IReadOnlyList<RepoCard>> Pages(IEnumerable<RepoCard> cards)
        {
            // A page closes at CardsPerPage cards or once its cards pass MaxCardPageBytes: messages stay well under 1 MB.
            var page = new List<RepoCard>();
            var bytes = 0;
            foreach (var card in cards)
            {
                page.Add(card);
                bytes += JsonSerializer.SerializeToUtf8Bytes(card).Length;
                if (page.Count >= o.CardsPerPage || bytes >= o.MaxCardPageBytes)
                {
                    yield return page;
                    (page, bytes) = ([], 0);
                }
            }
            if (page.Count > 0)
            {
                yield return page;
            }
        }
    }

    private static RepoCard Card(CardRead read, CrawlerOptions o) =>
        new(read.Target.Id, read.Target.Sha, read.Text!.Length > o.MaxCardChars ? read.Text[..o.MaxCardChars] : read.Text);
}
