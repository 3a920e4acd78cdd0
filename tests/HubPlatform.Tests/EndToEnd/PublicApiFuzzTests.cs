using System.Net.Http.Json;
using System.Text.Json;
using HubPlatform.Tests.Support;

namespace HubPlatform.Tests.EndToEnd;

/// <summary>
/// Every GET operation of the public OpenAPI document, called through the gateway with junk in
/// its path and query parameters (SQL-significant characters, huge numbers, bad dates, odd
/// encodings): 4xx problem details or a normal answer, never a 5xx, never a stack trace.
/// </summary>
[Collection(EndToEndCollection.Name)]
public class PublicApiFuzzTests(PlatformFixture platform)
{
    private static readonly string[] Junk =
    [
        "'; DROP TABLE models; --", "\" OR 1=1 --", "%00", "../../etc/passwd", "99999999999999999999999", "-1", "0", "NaN", "1e309",
        "2024-13-45", "<script>alert(1)</script>", "\u202e\u0000x", "😀", new string('a', 3000), "true", "null", "{}", "[]", "%", "\\",
        "google/gemma-7b", "a/b/c/d/e", " ", "",
    ];

    [Fact]
    public async Task Every_public_GET_answers_junk_with_a_4xx_or_an_answer_never_a_5xx()
    {
        await Eventually.GetAsync(() => platform.Gateway.GetFromJsonAsync<JsonElement[]>("/api/v1/crawls"),
            crawls => crawls.Any(c => c.GetProperty("status").GetString() == "Completed"), TimeSpan.FromMinutes(3), "a crawl");
        var document = await platform.Gateway.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var operations = document.GetProperty("paths").EnumerateObject()
            .Where(p => p.Value.TryGetProperty("get", out _))
            .Select(p => (Path: p.Name, Parameters: p.Value.GetProperty("get").TryGetProperty("parameters", out var ps) ? ps.EnumerateArray().ToArray() : []))
            .Where(o => !o.Path.Contains("/exports/", StringComparison.Ordinal)) // streamed files: fuzzed apart, they are large
            .ToList();
        Assert.True(operations.Count >= 10, $"only {operations.Count} GET operations in the public document");

        var random = new Random(11);
        var calls = 0;
        foreach (var (path, parameters) in operations)
        {
            for (var round = 0; round < 6; round++)
            {
                var url = path;
                var query = new List<string>();
                foreach (var parameter in parameters)
                {
                    var name = parameter.GetProperty("name").GetString()!;
                    var value = Junk[random.Next(Junk.Length)];
                    if (parameter.GetProperty("in").GetString() == "path")
                    {
                        // Catch-all ids keep their slashes; anything else is one escaped segment.
                        var segment = url.Contains("{**" + name + "}", StringComparison.Ordinal) || url.Contains("{" + name + "}", StringComparison.Ordinal)
                            ? Uri.EscapeDataString(value.Length == 0 ? "x" : value).Replace("%2F", "/") : value;
                        url = url.Replace("{**" + name + "}", segment).Replace("{" + name + "}", segment);
                    }
                    else if (random.Next(3) > 0)
                    {
                        query.Add($"{Uri.EscapeDataString(name)}={Uri.EscapeDataString(value)}");
                    }
                }
                url += query.Count > 0 ? "?" + string.Join('&', query) : "";
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url, UriKind.Relative));
                request.Headers.Add("X-Api-Key", PlatformFixture.AdminKey); // the key's budget: the fuzzer must not be rate-limited away
                using var response = await platform.Gateway.SendAsync(request);
                calls++;
                var body = await response.Content.ReadAsStringAsync();
                Assert.True((int)response.StatusCode < 500, $"GET {url} answered {(int)response.StatusCode}: {body[..Math.Min(body.Length, 300)]}");
                Assert.DoesNotContain("   at ", body);
                // Kestrel refuses some requests (a NUL in the path) before any middleware runs: an
                // empty 400. Every answer with a body explains itself as problem details.
                if ((int)response.StatusCode >= 400 && body.Length > 0)
                {
                    Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json",
                        $"GET {url} answered {(int)response.StatusCode} as {response.Content.Headers.ContentType}: {body[..Math.Min(body.Length, 200)]}");
                }
            }
        }
        Assert.True(calls >= 60);
    }
}
