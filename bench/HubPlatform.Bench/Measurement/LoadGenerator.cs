using System.Diagnostics;

namespace HubPlatform.Bench.Measurement;

/// <summary><c>CacheAnswered</c>: answered requests whose answer a cache gave (see <see cref="CacheAnswers"/>).</summary>
public sealed record LoadResult(double P50Ms, double P95Ms, double P99Ms, double RequestsPerSecond, int Requests, int Failures,
    int CacheAnswered = 0);

/// <summary>Which cache gave an answer, from its headers: the gateway's output cache sets <c>Age</c> on what it replays; a service's response cache
/// says <c>X-Response-Cache: hit</c>.</summary>
public static class CacheAnswers
{
    public static string? Of(HttpResponseMessage response) =>
        response.Headers.Age is not null ? "gateway"
        : response.Headers.TryGetValues("X-Response-Cache", out var said) && said.Contains("hit") ? "service"
        : null;
}

/// <summary>
/// A small closed-loop load generator: <c>concurrency</c> workers each send a request, wait for
/// the whole body, and send the next, for a fixed time. The URL of each request comes from
/// <c>url(i)</c> so uncached runs can make every request different. Failed requests (non-2xx,
/// refused, timed out) are counted apart and left out of the latencies: the tables show both.
/// </summary>
public static class LoadGenerator
{
    public static async Task<LoadResult> RunAsync(HttpClient client, Func<int, string> url, int concurrency, TimeSpan duration,
        int maxRequests = int.MaxValue)
    {
        var latencies = new List<double>();
        var failures = 0;
        var cacheAnswered = 0;
        var next = -1;
        var clock = Stopwatch.StartNew();
        async Task Worker()
        {
            var mine = new List<double>();
            while (clock.Elapsed < duration)
            {
                var i = Interlocked.Increment(ref next);
                if (i >= maxRequests)
                {
                    break;
                }
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await client.GetAsync(url(i), HttpCompletionOption.ResponseContentRead);
                    if (!response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref failures);
                        continue;
                    }
                    if (CacheAnswers.Of(response) is not null)
                    {
                        Interlocked.Increment(ref cacheAnswered);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    // A refused, reset or timed-out request is a failure to report, not a crash of the bench.
                    Interlocked.Increment(ref failures);
                    continue;
                }
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            lock (latencies)
            {
                latencies.AddRange(mine);
            }
        }
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(Worker)));
        var elapsed = clock.Elapsed.TotalSeconds;
        return new LoadResult(Stats.Percentile(latencies, 50), Stats.Percentile(latencies, 95), Stats.Percentile(latencies, 99),
            latencies.Count / elapsed, latencies.Count, failures, cacheAnswered);
    }
}
