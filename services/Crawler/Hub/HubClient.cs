using System.Net;
using System.Text.Json;
using HubPlatform.Contracts;
using HubPlatform.Crawler.Crawling;

namespace HubPlatform.Crawler.Hub;

/// <summary>
/// A listing page: its repos as the Hub sent them, and the next page's URL from the Link header.
/// The repos live in the parsed body (<paramref name="Body"/>), not in copies: disposing the page
/// returns the body's pooled memory, after which the repos must not be read. <see cref="HubDate"/>
/// is the answer's <c>Date</c> header: the Hub's clock (null when it sent none).
/// </summary>
public sealed record HubPage(JsonElement[] Repos, Uri? Next, string? MalformedReason, JsonDocument? Body = null) : IDisposable
{
    public DateTimeOffset? HubDate { get; init; }

    public bool IsMalformed => MalformedReason is not null;

    public void Dispose() => Body?.Dispose();
}

/// <summary>A request the Hub kept refusing, after the bounded number of tries.</summary>
public sealed class HubRequestFailedException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The Hub's HTTP API: listing pages and single repos, with the Hub's pacing, 429 and retry
/// rules. The token goes in the Authorization header only, so it never reaches a log or a URL, and
/// only to the configured Hub (scheme, host and port of <see cref="HubOptions.Endpoint"/>): a
/// <c>Link</c> or a redirect to another host is followed without it.
/// </summary>
public sealed class HubClient(HttpClient http, HubOptions options, RateLimitPacer pacer, ILogger<HubClient> logger)
{
    private const int MaxRateLimitWaits = 100;

    /// <summary>The model fields the analytics need, named as the Hub's <c>expand[]</c> parameter knows them.</summary>
    public static readonly string[] ModelFields =
    [
        "author", "cardData", "createdAt", "disabled", "downloads", "downloadsAllTime", "gated", "lastModified",
        "library_name", "likes", "pipeline_tag", "private", "safetensors", "sha", "tags", "trendingScore",
    ];

    public static readonly string[] DatasetFields =
    [
        "author", "cardData", "createdAt", "description", "disabled", "downloads", "downloadsAllTime", "gated",
        "lastModified", "likes", "private", "sha", "tags", "trendingScore",
    ];

    public static readonly string[] SpaceFields =
    [
        "author", "cardData", "createdAt", "datasets", "disabled", "lastModified", "likes", "models", "private",
        "sdk", "sha", "tags", "trendingScore",
    ];

    public Uri FirstModelsPage(int limit) => FirstPage(RepoType.Model, limit);

    /// <summary>
    /// The first listing page of a repo type. <paramref name="newestFirst"/> sorts by lastModified,
    /// descending, for incremental crawls that stop at the previous crawl.
    /// </summary>
    public Uri FirstPage(RepoType type, int limit, bool newestFirst = false)
    {
        var (path, fields) = type switch
        {
            RepoType.Model => ("/api/models", ModelFields),
            RepoType.Dataset => ("/api/datasets", DatasetFields),
            _ => ("/api/spaces", SpaceFields),
        };
        var sort = newestFirst ? "&sort=lastModified&direction=-1" : "";
        return new(options.Endpoint, path + "?limit=" + limit + sort + string.Concat(fields.Select(f => "&expand[]=" + f)));
    }

    public Task<HubPage> GetPageAsync(Uri url, CancellationToken cancellationToken) =>
        SendAsync(url, async (response, lastTry, ct) =>
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new HubRequestFailedException($"The Hub answered {(int)response.StatusCode} for {url.AbsolutePath}");
            }
            var next = NextLink(response);
            var hubDate = response.Headers.Date;
            var body = await response.Content.ReadAsByteArrayAsync(ct);
            JsonDocument? document = null;
            try
            {
                document = JsonDocument.Parse(body);
                if (document.RootElement.ValueKind != JsonValueKind.Array)
                {
                    throw new JsonException("A listing page is not a JSON array.");
                }
                // No per-repo copies (a thousand small documents a page): the page owns the body.
                return Try.Done(new HubPage(document.RootElement.EnumerateArray().ToArray(), next, null, document) { HubDate = hubDate });
            }
            catch (JsonException ex) when (lastTry)
            {
                // The page stays unreadable: give it up, but keep crawling if the Hub said where to go next.
                document?.Dispose();
                return Try.Done(new HubPage([], next, ex.Message) { HubDate = hubDate });
            }
            catch (JsonException ex)
            {
                document?.Dispose();
                return Try.Again<HubPage>("malformed JSON: " + ex.Message);
            }
        }, cancellationToken);

    /// <summary>
    /// An author's overview: the organization's, or the user's when no organization has that name.
    /// Null when neither exists (a deleted account); an unreadable answer is treated the same way.
    /// </summary>
    public async Task<JsonElement?> GetAuthorOverviewAsync(string name, CancellationToken cancellationToken)
    {
        var escaped = Uri.EscapeDataString(name);
        return await GetObjectAsync(new Uri(options.Endpoint, $"/api/organizations/{escaped}/overview"), cancellationToken)
            ?? await GetObjectAsync(new Uri(options.Endpoint, $"/api/users/{escaped}/overview"), cancellationToken);
    }

    /// <summary>
    /// A repo's README.md through <c>/{id}/resolve/main/README.md</c> (datasets under <c>/datasets/</c>):
    /// the Hub counts <c>/resolve/</c> in its "resolvers" bucket (5,000 requests per 5 minutes for a
    /// free token), where <c>/raw/</c> is a "pages" request (200). Null when the repo has no README
    /// (404). Redirects are followed here, a few hops (a renamed repo answers a relative 307; an LFS
    /// file would go to its CDN), since the client's handler follows none.
    /// </summary>
    public async Task<string?> GetCardAsync(RepoType type, string id, CancellationToken cancellationToken)
    {
        var prefix = type switch
        {
            RepoType.Dataset => "/datasets/",
            RepoType.Space => "/spaces/",
            _ => "/",
        };
        var url = new Uri(options.Endpoint, prefix + string.Join('/', id.Split('/').Select(Uri.EscapeDataString)) + "/resolve/main/README.md");
        for (var hop = 0; hop < 5; hop++)
        {
            var asked = url;
            var answer = await SendAsync<(string? Text, Uri? Next)>(asked, async (response, _, ct) =>
            {
                if ((int)response.StatusCode is 301 or 302 or 307 or 308 && response.Headers.Location is { } location)
                {
                    return Try.Done<(string?, Uri?)>((null, new Uri(asked, location)));
                }
                if (response.StatusCode == HttpStatusCode.NotFound)
                {
                    return Try.Done<(string?, Uri?)>((null, null));
                }
                if (!response.IsSuccessStatusCode)
                {
                    throw new HubRequestFailedException($"The Hub answered {(int)response.StatusCode} for {asked.AbsolutePath}");
                }
                return Try.Done<(string?, Uri?)>((await response.Content.ReadAsStringAsync(ct), null));
            }, cancellationToken);
            if (answer.Next is null)
            {
                return answer.Text;
            }
            url = answer.Next;
        }
        throw new HubRequestFailedException($"Too many redirects for the card of {id}");
    }

    private Task<JsonElement?> GetObjectAsync(Uri url, CancellationToken cancellationToken) =>
        SendAsync<JsonElement?>(url, async (response, lastTry, ct) =>
        {
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return Try.Done<JsonElement?>(null);
            }
            if (!response.IsSuccessStatusCode)
            {
                throw new HubRequestFailedException($"The Hub answered {(int)response.StatusCode} for {url.AbsolutePath}");
            }
            try
            {
                using var document = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(ct));
                return document.RootElement.ValueKind == JsonValueKind.Object
                    ? Try.Done<JsonElement?>(document.RootElement.Clone())
                    : throw new JsonException("Not a JSON object.");
            }
            catch (JsonException) when (lastTry)
            {
                return Try.Done<JsonElement?>(null);
            }
            catch (JsonException ex)
            {
                return Try.Again<JsonElement?>("malformed JSON: " + ex.Message);
            }
        }, cancellationToken);

    /// <summary>What reading one answer gave: a result, or a reason to try again.</summary>
    private readonly record struct Try<T>(bool IsDone, T Value, string? Failure);

    private static class Try
    {
        public static Try<T> Done<T>(T value) => new(true, value, null);

        public static Try<T> Again<T>(string failure) => new(false, default!, failure);
    }

    /// <summary>
    /// One GET with the Hub's rules: paced by the rate limit, 429s waited out (they do not count as
    /// tries), 5xx, timeouts and what <paramref name="read"/> rejects retried with backoff, and a
    /// <see cref="HubRequestFailedException"/> after the bounded number of tries. Only the path is
    /// ever logged, never headers.
    /// </summary>
    private async Task<T> SendAsync<T>(Uri url, Func<HttpResponseMessage, bool, CancellationToken, Task<Try<T>>> read,
        CancellationToken cancellationToken)
    {
        var rateLimitWaits = 0;
        for (var attempt = 1; ; attempt++)
        {
            string? failure;
            await pacer.WaitTurnAsync(url, cancellationToken);
            try
            {
                using var request = Get(url);
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                pacer.Observe(url, response.Headers);
                if (response.StatusCode == HttpStatusCode.TooManyRequests && ++rateLimitWaits <= MaxRateLimitWaits)
                {
                    var retryAfter = RetryAfter(response);
                    logger.RateLimited(retryAfter.TotalSeconds);
                    pacer.Defer(url, retryAfter);
                    CrawlerMetrics.RateLimited.Add(1);
                    attempt--;
                    continue;
                }
                if ((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    failure = $"HTTP {(int)response.StatusCode}";
                }
                else
                {
                    var result = await read(response, attempt >= options.MaxAttemptsPerPage, cancellationToken);
                    if (result.IsDone)
                    {
                        return result.Value;
                    }
                    failure = result.Failure;
                }
            }
            catch (HttpRequestException ex)
            {
                pacer.Abandon(url);
                failure = ex.Message;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                pacer.Abandon(url);
                failure = "timeout";
            }

            if (attempt >= options.MaxAttemptsPerPage)
            {
                throw new HubRequestFailedException($"Gave up on {url.AbsolutePath} after {attempt} tries: {failure}");
            }
            var backoff = Backoff(attempt);
            logger.RequestFailed(url.AbsolutePath, failure, attempt, options.MaxAttemptsPerPage, backoff.TotalSeconds);
            await Task.Delay(backoff, cancellationToken);
        }
    }

    /// <summary>A GET, with the token when (and only when) it goes to the configured Hub.</summary>
    private HttpRequestMessage Get(Uri url)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (!string.IsNullOrEmpty(options.Token) && IsHub(url))
        {
            request.Headers.Authorization = new("Bearer", options.Token);
        }
        return request;
    }

    private bool IsHub(Uri url) =>
        Uri.Compare(url, options.Endpoint, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    /// <summary>Exponential backoff with full jitter, so crawler replicas don't retry in lockstep.</summary>
    private TimeSpan Backoff(int attempt) =>
        TimeSpan.FromMilliseconds(options.FirstBackoff.TotalMilliseconds * Math.Pow(2, attempt - 1) * (0.5 + Random.Shared.NextDouble() / 2));

    /// <summary>
    /// How long a 429 asks to wait, at most <see cref="HubOptions.MaxRetryAfter"/>: a Hub (or a proxy
    /// in front of it) asking for hours would otherwise stall the crawl silently.
    /// </summary>
    public TimeSpan RetryAfter(HttpResponseMessage response)
    {
        var asked = AskedRetryAfter(response);
        if (asked > options.MaxRetryAfter)
        {
            logger.RetryAfterCapped(asked.TotalSeconds, options.MaxRetryAfter.TotalSeconds);
            return options.MaxRetryAfter;
        }
        return asked < TimeSpan.Zero ? TimeSpan.Zero : asked;
    }

    private static TimeSpan AskedRetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter?.Delta is { } delta)
        {
            return delta;
        }
        if (response.Headers.RetryAfter?.Date is { } date)
        {
            // A date on the Hub's clock: measured from the answer's own Date, not this machine's clock.
            return date - (response.Headers.Date ?? DateTimeOffset.UtcNow);
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
            await pacer.WaitTurnAsync(url, cancellationToken);
            using var request = Get(url);
            using var response = await http.SendAsync(request, cancellationToken);
            pacer.Observe(url, response.Headers);
            if ((int)response.StatusCode is 301 or 302 or 307 or 308 && response.Headers.Location is { } location)
            {
                url = new Uri(url, location);
                logger.ModelRenamed(id, url.AbsolutePath);
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
