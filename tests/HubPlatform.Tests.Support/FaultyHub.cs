using System.Net;
using System.Text;

namespace HubPlatform.Tests.Support;

/// <summary>
/// Stands between the crawler and the emulator and misbehaves as the real Hub sometimes does:
/// a 429, a 5xx, a truncated body, a hang, or repos missing from a page. Faults are picked by
/// the number of the listing page asked for: 1-based, counted across models, datasets and spaces
/// in the order first asked (as the crawler numbers its pages); other requests are page 0.
/// </summary>
public sealed class FaultyHub(HttpMessageHandler emulator) : DelegatingHandler(emulator)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _pageOfUrl = [];
    private readonly Dictionary<int, int> _triesOfPage = [];

    /// <summary>Decides the fault for (page, try); null lets the request through untouched.</summary>
    public Func<int, int, Fault?> Faults { get; set; } = (_, _) => null;

    /// <summary>Repo ids the Hub no longer lists.</summary>
    public HashSet<string> Hidden { get; } = [];

    /// <summary>Repo ids whose README.md answers 404.</summary>
    public HashSet<string> MissingCards { get; } = [];

    /// <summary>Paths of every request, in order.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Paths { get; } = [];

    /// <summary>While set, requests for this page hang until cancelled (the crawler is being killed).</summary>
    public int? HangOnPage { get; set; }

    /// <summary>While set, requests whose path it accepts hang until cancelled (for requests other than listings).</summary>
    public Func<string, bool>? HangOnPath { get; set; }

    /// <summary>While set, requests for this page wait until <see cref="ReleaseHeldPage"/>: the crawl paused at a known point.</summary>
    public int? HoldOnPage { get; set; }

    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void ReleaseHeldPage() => _released.TrySetResult();

    public int Requests { get; private set; }

    private int _tooManyRequests;

    /// <summary>429s the emulator itself answered (its rate limit), not the ones injected as faults.</summary>
    public int TooManyRequestsAnswered => Volatile.Read(ref _tooManyRequests);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        int page, attempt;
        lock (_gate)
        {
            Requests++;
            var url = request.RequestUri!.ToString();
            Paths.Enqueue(request.RequestUri!.AbsolutePath);
            if (!IsListing(request.RequestUri!))
            {
                page = 0;
            }
            else if (!_pageOfUrl.TryGetValue(url, out page))
            {
                page = _pageOfUrl.Count + 1;
                _pageOfUrl[url] = page;
            }
            attempt = _triesOfPage[page] = _triesOfPage.GetValueOrDefault(page) + 1;
        }
        var path = request.RequestUri!.AbsolutePath;
        foreach (var card in (string[])["/raw/main/README.md", "/resolve/main/README.md"])
        {
            if (path.EndsWith(card, StringComparison.Ordinal) && MissingCards.Contains(path.Replace("/datasets/", "/")[1..^card.Length]))
            {
                var missing = new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StringContent("Entry not found") };
                missing.Headers.TryAddWithoutValidation("X-Error-Code", "EntryNotFound");
                return missing;
            }
        }
        if (HangOnPage == page || HangOnPath?.Invoke(request.RequestUri!.AbsolutePath) == true)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        if (HoldOnPage == page)
        {
            await _released.Task.WaitAsync(cancellationToken);
        }
        switch (Faults(page, attempt))
        {
            case Fault.TooManyRequests:
                var limited = new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Content = new StringContent("{\"error\":\"rate limited\"}") };
                limited.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(1));
                return limited;
            case Fault.ServerError:
                return new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Content = new StringContent("upstream error") };
            case Fault.TruncatedBody:
                var response = await base.SendAsync(request, cancellationToken);
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                response.Content = new StringContent(body[..(body.Length / 2)], Encoding.UTF8, "application/json");
                return response;
        }
        var answer = await base.SendAsync(request, cancellationToken);
        if (answer.StatusCode == HttpStatusCode.TooManyRequests)
        {
            Interlocked.Increment(ref _tooManyRequests);
        }
        if (Hidden.Count > 0 && answer.IsSuccessStatusCode && IsListing(request.RequestUri!))
        {
            var page0 = System.Text.Json.Nodes.JsonNode.Parse(await answer.Content.ReadAsStringAsync(cancellationToken))!.AsArray();
            foreach (var repo in page0.Where(r => Hidden.Contains((string)r!["id"]!)).ToList())
            {
                page0.Remove(repo);
            }
            answer.Content = new StringContent(page0.ToJsonString(), Encoding.UTF8, "application/json");
        }
        return answer;
    }

    private static bool IsListing(Uri url) => url.AbsolutePath.TrimEnd('/') is "/api/models" or "/api/datasets" or "/api/spaces";
}

public enum Fault
{
    TooManyRequests,
    ServerError,
    TruncatedBody,
}
