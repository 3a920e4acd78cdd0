using System.Net;
using System.Text.Json;

namespace HubPlatform.Crawler.Hub;

/// <summary>A listing page: its repos as the Hub sent them, and the next page's URL from the Link header.</summary>
public sealed record HubPage(JsonElement[] Repos, Uri? Next, string? MalformedReason)
{
    public bool IsMalformed => MalformedReason is not null;
}

/// <summary>A request the Hub kept refusing, after the bounded number of tries.</summary>
public sealed class HubRequestFailedException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The Hub's HTTP API: listing pages and single repos, with the Hub's pacing, 429 and retry
/// rules. The token goes in the Authorization header only, so it never reaches a log or a URL.
/// </summary>
public sealed class HubClient(HttpClient http, HubOptions options, RateLimitPacer pacer, ILogger<HubClient> logger)
{
    private const int MaxRateLimitWaits = 100;

    /// <summary>The fields the analytics need, named as the Hub's <c>expand[]</c> parameter knows them.</summary>
    public static readonly string[] ModelFields =
    [
        "author", "cardData", "createdAt", "disabled", "downloads", "downloadsAllTime", "gated", "lastModified",
        "library_name", "likes", "pipeline_tag", "private", "safetensors", "sha", "tags", "trendingScore",
    ];

    public Uri FirstModelsPage(int limit) =>
        new(options.Endpoint, "/api/models?limit=" + limit + string.Concat(ModelFields.Select(f => "&expand[]=" + f)));

    public async Task<HubPage> GetPageAsync(Uri url, CancellationToken cancellationToken)
    {
        var rateLimitWaits = 0;
        for (var attempt = 1; ; attempt++)
        {
            string? failure;
            await pacer.WaitTurnAsync(cancellationToken);
            try
            {
                using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                pacer.Observe(response.Headers);
                if (response.StatusCode == HttpStatusCode.TooManyRequests && ++rateLimitWaits <= MaxRateLimitWaits)
                {
                    var retryAfter = RetryAfter(response);
                    logger.LogWarning("Hub rate limit reached; waiting {Seconds:F1}s as Retry-After asks", retryAfter.TotalSeconds);
                    pacer.Defer(retryAfter);
                    attempt--;
                    continue;
                }
                if ((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    failure = $"HTTP {(int)response.StatusCode}";
                }
                else if (!response.IsSuccessStatusCode)
                {
                    throw new HubRequestFailedException($"The Hub answered {(int)response.StatusCode} for {url.AbsolutePath}");
                }
                else
                {
                    var next = NextLink(response);
                    var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                    try
                    {
                        using var document = JsonDocument.Parse(body);
                        if (document.RootElement.ValueKind != JsonValueKind.Array)
                        {
                            throw new JsonException("A listing page is not a JSON array.");
                        }
                        return new HubPage(document.RootElement.EnumerateArray().Select(e => e.Clone()).ToArray(), next, null);
                    }
                    catch (JsonException ex) when (attempt >= options.MaxAttemptsPerPage)
                    {
                        // The page stays unreadable: give it up, but keep crawling if the Hub said where to go next.
                        return new HubPage([], next, ex.Message);
                    }
                    catch (JsonException ex)
                    {
                        failure = "malformed JSON: " + ex.Message;
                    }
                }
            }
            catch (HttpRequestException ex)
            {
                failure = ex.Message;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                failure = "timeout";
            }

            if (attempt >= options.MaxAttemptsPerPage)
            {
                throw new HubRequestFailedException($"Gave up on {url.AbsolutePath} after {attempt} tries: {failure}");
            }
            var backoff = Backoff(attempt);
            logger.LogWarning("Hub request {Path} failed ({Failure}); try {Attempt} of {Max} in {Backoff:F1}s",
                url.AbsolutePath, failure, attempt, options.MaxAttemptsPerPage, backoff.TotalSeconds);
            await Task.Delay(backoff, cancellationToken);
        }
    }

    /// <summary>Exponential backoff with full jitter, so crawler replicas don't retry in lockstep.</summary>
    private TimeSpan Backoff(int attempt) =>
        TimeSpan.FromMilliseconds(options.FirstBackoff.TotalMilliseconds * Math.Pow(2, attempt - 1) * (0.5 + Random.Shared.NextDouble() / 2));

    private static TimeSpan RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter?.Delta is { } delta)
        {
            return delta;
        }
        if (response.Headers.RetryAfter?.Date is { } date)
        {
            return date - DateTimeOffset.UtcNow;
        }
        if (response.Headers.TryGetValues("RateLimit", out var values) && RateLimitPacer.Parse(values.First()).ResetSeconds is { } reset)
        {
            return TimeSpan.FromSeconds(reset);
        }
        return TimeSpan.FromSeconds(10);
    }

    /// <summary>Reads <c>Link: &lt;url&gt;; rel="next"</c>; a relative URL is resolved against the endpoint.</summary>
    public Uri? NextLink(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Link", out var links))
        {
            return null;
        }
        foreach (var link in links.SelectMany(l => l.Split(',')))
        {
            var parts = link.Split(';', StringSplitOptions.TrimEntries);
            if (parts.Length > 1 && parts.Skip(1).Any(p => p.Replace(" ", "") is "rel=\"next\"" or "rel=next")
                && parts[0].StartsWith('<') && parts[0].EndsWith('>'))
            {
                return new Uri(options.Endpoint, parts[0][1..^1]);
            }
        }
        return null;
    }

    /// <summary>
    /// One model by id. A renamed repo answers 307 with its new path; the client follows up to
    /// five hops itself (so the rename is seen and logged) and the body carries the canonical id.
    /// </summary>
    public async Task<JsonElement?> GetModelAsync(string id, CancellationToken cancellationToken)
    {
        var url = new Uri(options.Endpoint, "/api/models/" + id);
        for (var hop = 0; hop < 5; hop++)
        {
            await pacer.WaitTurnAsync(cancellationToken);
            using var response = await http.GetAsync(url, cancellationToken);
            pacer.Observe(response.Headers);
            if ((int)response.StatusCode is 301 or 302 or 307 or 308 && response.Headers.Location is { } location)
            {
                url = new Uri(url, location);
                logger.LogInformation("Model {Id} was renamed; following to {Path}", id, url.AbsolutePath);
                continue;
            }
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }
            if (!response.IsSuccessStatusCode)
            {
                throw new HubRequestFailedException($"The Hub answered {(int)response.StatusCode} for model {id}");
            }
            using var document = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(cancellationToken));
            return document.RootElement.Clone();
        }
        throw new HubRequestFailedException($"Too many redirects for model {id}");
    }
}
