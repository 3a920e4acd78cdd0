using System.Text.Json;
using HubPlatform.Bench.Measurement;
using HubPlatform.Bench.Platform;
using HubPlatform.Bench.Reporting;

namespace HubPlatform.Bench.Benchmarks;

/// <summary>
/// 4. Query latency through the gateway under concurrent load, cached (the same URL again: the
/// gateway's output cache answers) and uncached (every request's query string differs, so the
/// gateway's output cache misses, and the request carries the admin key with <c>Cache-Control:
/// no-cache</c>, so the service's response cache computes it afresh; each answer's headers are
/// checked and a request a cache answered anyway is counted in the table), and the gateway's own overhead.
/// </summary>
public static class QueryLatency
{
    private static readonly string[] SearchQueries =
    [
        "role play chat model", "math word problems", "speech recognition for german", "image segmentation medical",
        "code completion python", "sentiment analysis reviews", "text to image anime", "translation english french",
        "question answering finance", "small fast embedding model", "robotics control policy", "summarization legal documents",
    ];

    public static async Task RunAsync(BenchPlatform platform, BenchOptions options, BenchReport report, CancellationToken ct)
    {
        var section = report.Add("queries", "4. Query latency through the gateway");
        var p = platform.ApiPrefix;
        // Plain clients for everything timed here: the platform's own client comes from the AppHost's HttpClient factory, which logs
        // four lines a request at Information (the AppHost's settings win over the bench's minimum level), so at thousands of requests
        // a second the cached loads timed the bench's own console logging (about 1.6 million lines a run), and the uncached ones did not.
        using var gateway = PlainClient(platform.Gateway);
        var largestFamily = await LargestFamilyAsync(gateway, p, ct);
        var topOrganization = await TopOrganizationAsync(gateway, p, ct);
        var heatMapWeeks = await HeatMapWeeksAsync(gateway, p, ct);
        if (heatMapWeeks != 52)
        {
            section.Line($"HeatMap rows use {heatMapWeeks} weeks: the generated hub's clock stands before the crawl's, so it created nothing in " +
                         "the 52 weeks before it.").Line();
        }
        section.Line("Metrics answers ModelVerse (unfiltered, by pipeline tag, modality, org type or parameter range), DataVerse organizations and " +
                     "breakdowns " +
                     "and the HeatMap from per-snapshot pre-aggregates built once the snapshot is fully ingested (a ranking reads its top k by " +
                     "index, the HeatMap " +
                     "ranking its window's stored top 500); a creation-date filter reads the facts.").Line();
        var endpoints = new List<(string Name, string Url)>
        {
            ("ModelVerse organizations", $"{p}/modelverse/organizations?metric=downloads&k=20"),
            ("ModelVerse organizations, modality and org type",
            $"{p}/modelverse/organizations?metric=downloads&k=20&modality=natural-language-processing&orgType=company"),
            ("ModelVerse organizations, 1B-10B parameters",
            $"{p}/modelverse/organizations?metric=downloads&k=20&minParameters=1000000000&maxParameters=10000000000"),
            ("ModelVerse treemap", $"{p}/modelverse/treemap?metric=downloads&k=20&modelsPerOrganization=10"),
            ("DataVerse organizations", $"{p}/dataverse/organizations?metric=downloads&k=20"),
            ("DataVerse breakdown", $"{p}/dataverse/breakdown?by=taskCategory&metric=downloads"),
            ("HeatMap ranking", $"{p}/heatmap/ranking?k=20&weeks={heatMapWeeks}"),
            ("HeatMap organization", $"{p}/heatmap/organizations/{Uri.EscapeDataString(topOrganization ?? "none")}?weeks={heatMapWeeks}"),
        };
        if (largestFamily is not null)
        {
            endpoints.Add(($"Largest family tree ({largestFamily.Value.Id}, {largestFamily.Value.Descendants:N0} descendants)",
                $"{p}/lineage/{largestFamily.Value.Id}"));
            // The tree reads the rolled-up counts; the descendants page and the graph walk live,
            // capped at 50k rows (truncated past it), nearest levels first.
            endpoints.Add(("Largest family, descendants page (depth 2, by downloads)",
                $"{p}/lineage/descendants/{largestFamily.Value.Id}?depth=2&sort=downloads&limit=100"));
            endpoints.Add(("Largest family graph (500 nodes, depth 3)", $"{p}/lineage/graph/{largestFamily.Value.Id}?maxNodes=500&depth=3"));
        }
        else
        {
            report.NotMeasured.Add("Largest family tree: the lineage leaderboard was empty.");
        }
        endpoints.Add(("Hybrid search", $"{p}/search?q=role+play+chat+model&mode=hybrid&k=10"));

        // Never the same query string twice in the whole run (three runs of each row included), so the gateway's output cache cannot answer.
        var runId = Guid.NewGuid().ToString("N")[..6];
        var sent = 0;
        // The loads ask as a browser does, for a compressed body, and read it as sent (not inflated, as load tools do).
        using var browser = BrowserClient(platform.Gateway);
        using var misses = BrowserClient(platform.Gateway);
        misses.DefaultRequestHeaders.Add("X-Api-Key", BenchPlatform.AdminKey);
        misses.DefaultRequestHeaders.CacheControl = new System.Net.Http.Headers.CacheControlHeaderValue { NoCache = true };
        var rows = new List<string[]>();
        var cpu = new CpuAccount(PlatformProcesses.All(platform));
        foreach (var (name, url) in endpoints)
        {
            using var probe = await gateway.GetAsync(url, ct);
            if (!probe.IsSuccessStatusCode)
            {
                report.NotMeasured.Add($"{name} (`{url}`): the gateway answered {(int)probe.StatusCode}" +
                    (probe.StatusCode == System.Net.HttpStatusCode.NotFound ? "; the endpoint is not on main at this run." : " to the first " +
                        "(uncached) request."));
                continue;
            }
            var isSearch = name == "Hybrid search";
            string Uncached(int i) => (isSearch
                ? $"{p}/search?q={Uri.EscapeDataString(SearchQueries[i % SearchQueries.Length])}&mode=hybrid&k=10"
                : url) + (isSearch || url.Contains('?') ? '&' : '?') + $"bench={runId}-{Interlocked.Increment(ref sent)}";
            var cold = await ColdAsync(misses, Uncached, options.Quick ? 3 : 5, ct);
            var bytes = (await browser.GetByteArrayAsync(url, ct)).Length;
            var cached = await cpu.MeasureAsync(() =>
                MedianLoadAsync(options, () => LoadGenerator.RunAsync(browser, _ => url, options.Concurrency, options.LoadDuration)));
            var uncached = await MedianLoadAsync(options, () =>
                LoadGenerator.RunAsync(misses, Uncached, Math.Min(4, options.Concurrency), options.LoadDuration));
            var key = new string(name.Where(char.IsLetter).ToArray());
            section.Number($"{key}ColdMs", cold).Number($"{key}CachedP50Ms", cached.P50Ms).Number($"{key}UncachedP50Ms", uncached.P50Ms)
                .Number($"{key}CachedRps", cached.RequestsPerSecond);
            rows.Add([name, F(cold, 1), F(uncached.P50Ms, 1), F(uncached.P95Ms, 1), F(uncached.P99Ms, 1), F(uncached.RequestsPerSecond, 1),
                Failed(uncached),
                $"{uncached.CacheAnswered:N0} of {uncached.Requests:N0}",
                F(cached.P50Ms, 2), F(cached.P95Ms, 2), F(cached.P99Ms, 2), F(cached.RequestsPerSecond), Failed(cached), $"{bytes:N0}"]);
            Console.WriteLine($"bench: {name}: cold {cold:F1} ms, uncached p50 {uncached.P50Ms:F1} ms, cached p50 {cached.P50Ms:F2} ms, " +
                              $"{cached.RequestsPerSecond:F0} req/s");
        }
        section.Line($"Closed-loop load from the bench ({options.Concurrency} concurrent clients cached, {Math.Min(4, options.Concurrency)} " +
                     "uncached, " +
                     $"{options.LoadDuration.TotalSeconds:F1} s a run, median of {options.Runs} runs of each percentile). " +
                     $"Cold: {(options.Quick ? 3 : 5)} single requests one after another, median, each after Redis was flushed (the gateway's " +
                     "shared output cache and the services' response caches) and sent as the cache misses below are (a query string never sent " +
                     "before, `no-cache` with the admin key), so no cache answers (checked on every answer's headers): the answer computed from " +
                     "Postgres on an otherwise idle gateway. Cache miss under load: a query string never sent before on every request (across the runs " +
                     "too), so the " +
                     "gateway's output cache misses, and the admin key with `Cache-Control: no-cache`, so the service's response cache computes " +
                     "the answer afresh " +
                     "(lineage keys its cache on the model, not the query string; search also varies the query text). \"Answered by a cache\" " +
                     "counts the " +
                     "misses whose headers say a cache gave them anyway (the gateway's `Age`, a service's `X-Response-Cache: hit`). " +
                     "Cached: one URL over and over (the gateway's output cache answers). Every load comes from plain `HttpClient`s, " +
                     "without the logging handlers of the AppHost's client factory, asking as a browser does (`Accept-Encoding: gzip, deflate, " +
                     "br`) and reading the body as sent; bytes: the cached answer's body on the wire.")
            .Line()
            .Line("Failed: requests that got no 2xx answer (or none at all), of all sent in the runs; they are left out of the percentiles and " +
                  "req/s.")
            .Line()
            .Table(["endpoint", "cold ms", "cache miss p50 ms", "p95", "p99", "req/s", "failed", "answered by a cache", "cached p50 ms", "p95", "p99",
                "req/s", "failed", "bytes"], rows);
        WriteCpu(section, cpu);
        await GatewayOverheadAsync(platform, options, section, ct);
    }

    /// <summary>
    /// The same uncached route (a crawl's progress: no output cache, one primary-key read) called
    /// straight on the crawler and through the gateway: the difference is what the proxy adds.
    /// </summary>
    private static async Task GatewayOverheadAsync(BenchPlatform platform, BenchOptions options, BenchSection section, CancellationToken ct)
    {
        using var direct = new HttpClient { BaseAddress = platform.ServiceUri("crawler") };
        using var gateway = PlainClient(platform.Gateway);
        var crawls = JsonDocument.Parse(await direct.GetStringAsync("/api/crawls", ct)).RootElement;
        var id = crawls[0].GetProperty("snapshotId").GetGuid();
        var rows = new List<string[]>();
        foreach (var concurrency in new[] { 1, options.Concurrency })
        {
            var straight = await MedianLoadAsync(options, () =>
                LoadGenerator.RunAsync(direct, _ => $"/api/crawls/{id}", concurrency, options.LoadDuration));
            var proxied = await MedianLoadAsync(options,
                () => LoadGenerator.RunAsync(gateway, _ => $"{platform.ApiPrefix}/crawls/{id}", concurrency, options.LoadDuration));
            rows.Add([$"{concurrency}", F(straight.P50Ms, 2), F(proxied.P50Ms, 2), F(proxied.P50Ms - straight.P50Ms, 2),
                F(straight.P99Ms, 2), F(proxied.P99Ms, 2), F(proxied.P99Ms - straight.P99Ms, 2), F(straight.RequestsPerSecond),
                F(proxied.RequestsPerSecond),
                $"{Failed(straight)} / {Failed(proxied)}"]);
            if (concurrency == 1)
            {
                section.Number("gatewayOverheadP50Ms", Math.Max(proxied.P50Ms - straight.P50Ms, 0.001)).Number("directP50Ms", straight.P50Ms);
            }
        }
        section.Line("Gateway overhead: `GET /api/crawls/{id}` (uncached route, a primary-key read) straight on the crawler vs through the gateway " +
                     "(YARP, rate limiter, security headers, service discovery).")
            .Line()
            .Table(["clients", "direct p50 ms", "gateway p50 ms", "added p50", "direct p99 ms", "gateway p99 ms", "added p99", "direct req/s",
                "gateway req/s", "failed (direct / gateway)"], rows);
    }

    /// <summary>
    /// Median latency of single requests, one after another, that no cache answers: Redis emptied before each (the services'
    /// response caches, the gateway's shared level), a query string never sent before (the gateway's per-replica memory level,
    /// which an emptied Redis does not reach) and <c>Cache-Control: no-cache</c> with the admin key (<paramref name="misses"/>).
    /// A request a cache answered anyway throws: the column would be a cache's time.
    /// </summary>
    private static async Task<double> ColdAsync(HttpClient misses, Func<int, string> uncached, int runs, CancellationToken ct)
    {
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            await RedisFlush.FlushAllAsync(BenchPlatform.RedisPort, ct);
            var url = uncached(i);
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            using var response = await misses.GetAsync(url, ct);
            await response.Content.LoadIntoBufferAsync(ct);
            response.EnsureSuccessStatusCode();
            times.Add(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (CacheAnswers.Of(response) is { } cache)
            {
                throw new InvalidOperationException($"A cold request was answered by the {cache} cache: {url}");
            }
        }
        return Stats.Median(times);
    }

    /// <summary>Where a cached request's time goes, as CPU: what each part of the machine spent per cached request.</summary>
    private static void WriteCpu(BenchSection section, CpuAccount cpu)
    {
        var busy = cpu.Seconds.Values.Sum();
        if (cpu.Requests == 0 || busy <= 0)
        {
            return;
        }
        var rows = cpu.Seconds.OrderByDescending(p => p.Value)
            .Select(p => new[] { p.Key, F(p.Value * 1000 / cpu.Requests, 3), F(100 * p.Value / busy) + " %" })
            .ToList();
        section.Number("gatewayCpuMsPerCachedRequest", cpu.Seconds.GetValueOrDefault("gateway") * 1000 / cpu.Requests)
            .Line()
            .Line($"Where the CPU went during the cached loads ({cpu.Requests:N0} requests in {cpu.WallSeconds:F0} s, every row's runs; " +
                  $"/proc, each process with its children): the machine was busy {busy:F0} of " +
                  $"{Environment.ProcessorCount * cpu.WallSeconds:F0} core-seconds.")
            .Line()
            .Table(["part", "CPU ms per cached request", "share of the busy CPU"], rows);
    }

    private static HttpClient PlainClient(HttpClient like) => new() { BaseAddress = like.BaseAddress, Timeout = like.Timeout };

    private static HttpClient BrowserClient(HttpClient like)
    {
        var client = PlainClient(like);
        client.DefaultRequestHeaders.AcceptEncoding.ParseAdd("gzip, deflate, br");
        return client;
    }

    private static string Failed(LoadResult result) => $"{result.Failures:N0} of {result.Requests + result.Failures:N0}";

    private static async Task<LoadResult> MedianLoadAsync(BenchOptions options, Func<Task<LoadResult>> run)
    {
        var results = new List<LoadResult>();
        for (var i = 0; i < options.Runs; i++)
        {
            results.Add(await run());
        }
        return new LoadResult(Stats.Median(results.Select(r => r.P50Ms)), Stats.Median(results.Select(r => r.P95Ms)),
            Stats.Median(results.Select(r => r.P99Ms)),
            Stats.Median(results.Select(r => r.RequestsPerSecond)), results.Sum(r => r.Requests), results.Sum(r => r.Failures),
            results.Sum(r => r.CacheAnswered));
    }

    private static async Task<(string Id, long Descendants)?> LargestFamilyAsync(HttpClient gateway, string p, CancellationToken ct)
    {
        using var response = await gateway.GetAsync($"{p}/lineage/leaderboard?by=descendants&k=1", ct);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }
        var top = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement;
        return top.GetArrayLength() == 0 ? null : (top[0].GetProperty("baseModelId").GetString()!, top[0].GetProperty("descendants").GetInt64());
    }

    private static async Task<string?> TopOrganizationAsync(HttpClient gateway, string p, CancellationToken ct)
    {
        using var response = await gateway.GetAsync($"{p}/modelverse/organizations?metric=models&k=1", ct);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }
        var top = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("top");
        return top.GetArrayLength() == 0 ? null : top[0].GetProperty("organization").GetString();
    }

    private static string F(double v, int d = 0) => BenchSection.F(v, d);

    /// <summary>
    /// 52 weeks, unless the generated hub's clock stands so far before the crawl that nothing was
    /// created in them: then the shortest longer window with activity, so the HeatMap is timed on real answers.
    /// </summary>
    private static async Task<int> HeatMapWeeksAsync(HttpClient gateway, string p, CancellationToken ct)
    {
        foreach (var weeks in new[] { 52, 104, 156, 208, 260, 520 })
        {
            using var response = await gateway.GetAsync($"{p}/heatmap/ranking?k=1&weeks={weeks}", ct);
            if (response.IsSuccessStatusCode && JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement.GetArrayLength() > 0)
            {
                return weeks;
            }
        }
        return 52;
    }
}
