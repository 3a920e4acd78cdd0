using System.Net.Http.Json;
using System.Text.Json;
using HubPlatform.Tests.Support;

namespace HubPlatform.Tests.EndToEnd.Platform;

/// <summary>
/// Every GET operation of the public OpenAPI document, called through the gateway with junk in
/// its path and query parameters (SQL-significant characters, huge numbers, bad dates, odd
/// encodings, control characters, invalid UTF-8 percent-encoded and as raw bytes): 4xx problem
/// details or a normal answer, never a 5xx, never a stack trace. A NUL or invalid UTF-8 in a query
/// parameter is a 400 naming it.
/// </summary>
[Collection(EndToEndCollection.Name)]
public class PublicApiFuzzTests(PlatformFixture platform)
{
    private static readonly string[] Junk =
    [
        "'; DROP TABLE models; --", "\" OR 1=1 --", "%00", "../../etc/passwd", "99999999999999999999999", "-1", "0", "NaN", "1e309",
        "2024-13-45", "<script>alert(1)</script>", "\u202e\u0000x", "😀", new string('a', 3000), "true", "null", "{}", "[]", "%", "\\",
        "google/gemma-7b", "a/b/c/d/e", " ", "", "\u0001\u001f\u007f", "\r\n", "\u0085", "9223372036854775808", "-9223372036854775809",
        "-1e309", "-0", "0x10", "Infinity", "9999-12-31T23:59:59Z", "\u0663",
    ];

    /// <summary>Sent as they are (already percent-encoded): invalid UTF-8 that no escaping of a .NET string can produce.</summary>
    private static readonly string[] Encoded = ["%FF", "%C3%28", "%E2%82", "%ED%A0%80", "%C0%AF", "%F4%90%80%80", "a%00b", "%01%1F%7F", "%25", "%G1"];

    private static bool Refused(string encoded) => encoded is not ("%01%1F%7F" or "%25" or "%G1");

    [Fact]
    public async Task Every_public_GET_answers_junk_with_a_4xx_or_an_answer_never_a_5xx()
    {
        await Eventually.GetAsync(() => platform.Gateway.GetFromJsonAsync<JsonElement[]>("/api/v1/crawls"),
            crawls => crawls.Any(c => c.GetProperty("status").GetString() == "Completed"), TimeSpan.FromMinutes(3), "a crawl");
        var document = await platform.Gateway.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var operations = document.GetProperty("paths").EnumerateObject()
            .Where(p => p.Value.TryGetProperty("get", out _))
            .Select(p => (Path: p.Name, Parameters: p.Value.GetProperty("get").TryGetProperty("parameters", out var ps)
                ? ps.EnumerateArray().ToArray() : []))
            .ToList();
        Assert.True(operations.Count >= 10, $"only {operations.Count} GET operations in the public document");

        var random = new Random(11);
        var calls = 0;
        foreach (var (path, parameters) in operations)
        {
            for (var round = 0; round < 8; round++)
            {
                var url = path;
                var query = new List<string>();
                // Rounds 6 and 7 send one query parameter as-is encoded: a refused one must be named.
                string? encodedName = null, encodedValue = null;
                foreach (var parameter in parameters)
                {
                    var name = parameter.GetProperty("name").GetString()!;
                    var value = Junk[random.Next(Junk.Length)];
                    if (parameter.GetProperty("in").GetString() == "path")
                    {
                        // Catch-all ids keep their slashes; anything else is one escaped segment.
                        var segment = url.Contains("{**" + name + "}", StringComparison.Ordinal)
                            || url.Contains("{" + name + "}", StringComparison.Ordinal)
                            ? Uri.EscapeDataString(value.Length == 0 ? "x" : value).Replace("%2F", "/") : value;
                        url = url.Replace("{**" + name + "}", segment).Replace("{" + name + "}", segment);
                    }
                    else if (round >= 6 && encodedName is null)
                    {
                        (encodedName, encodedValue) = (name, Encoded[random.Next(Encoded.Length)]);
                        query.Insert(0, $"{Uri.EscapeDataString(name)}={encodedValue}"); // first: the first bad parameter is the one named
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
                        $"GET {url} answered {(int)response.StatusCode} as {response.Content.Headers.ContentType}: "
                        + body[..Math.Min(body.Length, 200)]);
                }
                if (encodedValue is not null && Refused(encodedValue))
                {
                    Assert.True(response.StatusCode == System.Net.HttpStatusCode.BadRequest,
                        $"GET {url} answered {(int)response.StatusCode}, not 400");
                    if (body.Length > 0) // else Kestrel refused a NUL in the path first
                    {
                        Assert.Equal(encodedName, JsonDocument.Parse(body).RootElement.GetProperty("parameter").GetString());
                    }
                }
            }
        }
        Assert.True(calls >= 80);
    }

    [Fact]
    public async Task Raw_bytes_in_the_request_line_never_get_a_5xx_from_the_gateway()
    {
        byte[][] hostile = [[0x00], [0xFF], [0xC3, 0x28], [0xED, 0xA0, 0x80], [0x01, 0x1F, 0x7F], [0xC3, 0xA9]];
        string[] targets = ["/api/v1/models/microsoft/{}", "/api/v1/search?q={}", "/api/v1/lineage/{}", "/api/v1/organizations?search={}",
            "/openapi/v1.json?x={}", "/{}"];
        foreach (var target in targets)
        {
            foreach (var bytes in hostile)
            {
                var status = await Integration.ServiceFuzzTests.RawGetAsync(platform.Gateway.BaseAddress!, target, bytes);
                Assert.True(status is >= 400 and < 500 or 200, $"{target} with {Convert.ToHexString(bytes)} answered {status}");
            }
        }
    }
}
