using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using HubPlatform.Contracts;
using HubPlatform.Gateway.Caching;
using HubPlatform.Tests.Support;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace HubPlatform.Tests.Gateway.Integration;

/// <summary>
/// Response compression inside the output cache (real Redis and RabbitMQ, a stand-in service behind the gateway): answers
/// are cached compressed, one entry per coding, evicted together; identity clients never get a compressed entry; exports
/// stream uncompressed.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class ResponseCompressionTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly PlatformDatabase _database = new();
    private readonly Rabbit _rabbit = new();
    private readonly string _vhost = "compression-" + Guid.NewGuid().ToString("N")[..8];
    // Paths of this run only: entries of an earlier run may still be in Redis.
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private readonly ConcurrentDictionary<string, int> _calls = new();
    private readonly ConcurrentBag<string> _acceptEncodingsSeen = [];
    private readonly TaskCompletionSource _exportMayFinish = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication _service = null!;
    private ServiceHost<RedisOutputCacheStore> _gateway = null!;
    private int _version = 1;

    public async Task InitializeAsync()
    {
        await _rabbit.CreateVirtualHostAsync(_vhost);
        // A stand-in for lineage, metrics and the crawler: a graph-sized family tree, a tiny answer, exports, an admin page.
        var standIn = WebApplication.CreateSlimBuilder();
        standIn.WebHost.UseUrls("http://127.0.0.1:0");
        _service = standIn.Build();
        _service.Use((context, next) =>
        {
            _calls.AddOrUpdate(context.Request.Path.Value!, 1, (_, n) => n + 1);
            _acceptEncodingsSeen.Add(context.Request.Headers.AcceptEncoding.ToString());
            return next();
        });
        _service.MapGet("/api/lineage/{**id}", (HttpResponse response) =>
        {
            var version = Volatile.Read(ref _version);
            response.Headers.ETag = $"\"v{version}\"";
            return Results.Text(Family(version), "application/json");
        });
        _service.MapGet("/api/models/{**id}", () => Results.Text("""{"id":"tiny"}""", "application/json"));
        _service.MapGet("/api/admin/outbox/{**rest}", () => Results.Text(Family(1), "application/json"));
        _service.MapGet("/api/exports/{**file}", StreamExportAsync);
        await _service.StartAsync();
        var url = _service.Urls.Single();
        _gateway = new ServiceHost<RedisOutputCacheStore>("gateway", _database, _vhost, new Dictionary<string, string?>
        {
            ["Gateway:AdminApiKey"] = "the-key",
            ["Services:lineage:http:0"] = url,
            ["Services:metrics:http:0"] = url,
            ["Services:crawler:http:0"] = url,
        });
    }

    [Fact]
    public async Task Gzip_and_Brotli_answers_decompress_to_exactly_the_identity_body_and_are_cached_compressed()
    {
        var http = _gateway.CreateClient();
        var url = $"/api/v1/lineage/org-{_run}/base-model";
        using var plain = await GetAsync(http, url, null);
        Assert.Empty(plain.Content.Headers.ContentEncoding);
        Assert.Contains("Accept-Encoding", plain.Headers.Vary);
        var identity = await plain.Content.ReadAsByteArrayAsync();
        Assert.True(identity.Length > 150_000, $"a graph-sized body: {identity.Length} bytes");

        foreach (var coding in new[] { "gzip", "br" })
        {
            using var first = await GetAsync(http, url, coding);
            Assert.Equal([coding], first.Content.Headers.ContentEncoding);
            Assert.Contains("Accept-Encoding", first.Headers.Vary);
            Assert.Null(first.Headers.Age);
            var compressed = await first.Content.ReadAsByteArrayAsync();
            Assert.True(compressed.Length < identity.Length / 4, $"{coding}: {compressed.Length} of {identity.Length} bytes");
            Assert.Equal(identity, Decompress(coding, compressed));
            output.WriteLine($"{coding}: {compressed.Length:N0} of {identity.Length:N0} bytes");

            // The same request again: the cached entry, compressed as it was stored.
            using var again = await GetAsync(http, url, coding);
            Assert.NotNull(again.Headers.Age);
            Assert.Equal([coding], again.Content.Headers.ContentEncoding);
            Assert.Contains("Accept-Encoding", again.Headers.Vary);
            Assert.Equal(compressed, await again.Content.ReadAsByteArrayAsync());
        }
        // One service call per coding; the services are never asked to compress.
        Assert.Equal(3, _calls[$"/api/lineage/org-{_run}/base-model"]);
        Assert.All(_acceptEncodingsSeen, seen => Assert.Equal("", seen));

        // The cache holds the compressed bodies themselves (a hit compresses nothing): three entries in Redis, two small.
        var redis = _gateway.Services.GetRequiredService<IConnectionMultiplexer>();
        var database = redis.GetDatabase();
        var entries = redis.GetServer(redis.GetEndPoints()[0]).Keys(database.Database, "gateway:oc:*")
            .Where(key => key.ToString().Contains($"/org-{_run}/base-model", StringComparison.OrdinalIgnoreCase))
            .Select(key => ((byte[])database.StringGet(key)!).Length)
            .Order()
            .ToList();
        Assert.Equal(3, entries.Count);
        Assert.True(entries[1] < identity.Length / 4, $"entry sizes {string.Join(", ", entries)} for a body of {identity.Length}");
        Assert.True(entries[2] > identity.Length, $"entry sizes {string.Join(", ", entries)} for a body of {identity.Length}");
    }

    [Fact]
    public async Task An_identity_client_after_a_gzip_one_gets_the_identity_body_and_browsers_spellings_share_one_entry()
    {
        var http = _gateway.CreateClient();
        var url = $"/api/v1/lineage/org-{_run}/spellings";
        using var gzip = await GetAsync(http, url, "gzip");
        Assert.Equal(["gzip"], gzip.Content.Headers.ContentEncoding);

        using var plain = await GetAsync(http, url, null);
        Assert.Empty(plain.Content.Headers.ContentEncoding);
        Assert.Null(plain.Headers.Age);
        Assert.Equal(500, JsonDocument.Parse(await plain.Content.ReadAsStringAsync()).RootElement.GetProperty("nodes").GetArrayLength());
        // "identity", a garbage header and a coding the gateway does not make: the identity entry, from the cache.
        foreach (var header in new[] { "identity", "%%%;;;===", "deflate" })
        {
            using var same = await GetAsync(http, url, header);
            Assert.Empty(same.Content.Headers.ContentEncoding);
            Assert.NotNull(same.Headers.Age);
            Assert.Equal(await plain.Content.ReadAsByteArrayAsync(), await same.Content.ReadAsByteArrayAsync());
        }

        foreach (var (header, index) in new[] { "gzip, deflate, br", "br, gzip", "gzip, deflate, br, zstd" }.Select((h, i) => (h, i)))
        {
            using var br = await GetAsync(http, url, header);
            Assert.Equal(["br"], br.Content.Headers.ContentEncoding);
            Assert.Equal(index > 0, br.Headers.Age is not null);
        }
        Assert.Equal(3, _calls[$"/api/lineage/org-{_run}/spellings"]);
    }

    [Fact]
    public async Task LineageUpdated_evicts_every_coding_s_entry()
    {
        var http = _gateway.CreateClient();
        var url = $"/api/v1/lineage/org-{_run}/evicted";
        string?[] codings = [null, "gzip", "br"];
        foreach (var coding in codings)
        {
            Assert.Equal(1, await VersionAsync(http, url, coding));
        }
        Interlocked.Exchange(ref _version, 2);
        foreach (var coding in codings)
        {
            Assert.Equal(1, await VersionAsync(http, url, coding));
        }

        await _gateway.Services.GetRequiredService<IBus>().Publish(new LineageUpdated(Guid.NewGuid(), 1, DateTimeOffset.UtcNow, ["org/base-model"]));
        foreach (var coding in codings)
        {
            await Eventually.GetAsync(() => VersionAsync(http, url, coding), version => version == 2, TimeSpan.FromSeconds(10),
                $"the updated tree in {coding ?? "identity"}");
        }
    }

    [Fact]
    public async Task A_compressed_answer_has_a_weak_ETag_and_conditional_requests_are_answered_304_from_the_cache()
    {
        var http = _gateway.CreateClient();
        var url = $"/api/v1/lineage/org-{_run}/conditional";
        using var plain = await GetAsync(http, url, null);
        Assert.Equal("\"v1\"", plain.Headers.ETag?.ToString());
        using var gzip = await GetAsync(http, url, "gzip");
        // Other bytes than the identity answer's: a weak validator, as RFC 9110 asks of a different content coding.
        Assert.Equal("W/\"v1\"", gzip.Headers.ETag?.ToString());

        // If-None-Match compares weakly: either validator matches either cached variant.
        foreach (var (coding, etag) in new[] { ("gzip", "W/\"v1\""), ("gzip", "\"v1\""), ("identity", "\"v1\""), ("identity", "W/\"v1\"") })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.TryAddWithoutValidation("Accept-Encoding", coding);
            request.Headers.TryAddWithoutValidation("If-None-Match", etag);
            using var notModified = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
            Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
            Assert.Contains("Accept-Encoding", notModified.Headers.Vary);
        }
        // Answered by the cache: the service was asked once per coding.
        Assert.Equal(2, _calls[$"/api/lineage/org-{_run}/conditional"]);
    }

    [Fact]
    public async Task A_Parquet_export_streams_uncompressed_and_a_CSV_export_is_not_compressed()
    {
        var http = _gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/exports/{_run}/models.parquet");
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip, deflate, br");
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("application/vnd.apache.parquet", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(response.Content.Headers.ContentEncoding);
        // The first half arrives while the service is still holding the second back: nothing buffers the whole body.
        await using var body = await response.Content.ReadAsStreamAsync();
        var firstHalf = new byte[ExportHalf];
        await body.ReadExactlyAsync(firstHalf).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(ExportBytes(0), firstHalf);
        _exportMayFinish.SetResult();
        var secondHalf = new byte[ExportHalf];
        await body.ReadExactlyAsync(secondHalf);
        Assert.Equal(ExportBytes(1), secondHalf);
        Assert.Equal(0, await body.ReadAsync(new byte[1]));

        using var csvRequest = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/exports/{_run}/models.csv");
        csvRequest.Headers.TryAddWithoutValidation("Accept-Encoding", "br");
        using var csv = await http.SendAsync(csvRequest);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.Empty(csv.Content.Headers.ContentEncoding);
        Assert.Equal(2 * ExportHalf, (await csv.Content.ReadAsByteArrayAsync()).Length);
    }

    [Fact]
    public async Task Tiny_and_admin_answers_are_not_compressed()
    {
        var http = _gateway.CreateClient();
        using var tiny = await GetAsync(http, $"/api/v1/models/{_run}/tiny", "br");
        Assert.Equal(HttpStatusCode.OK, tiny.StatusCode);
        Assert.Empty(tiny.Content.Headers.ContentEncoding);
        Assert.Equal("""{"id":"tiny"}""", await tiny.Content.ReadAsStringAsync());

        using var admin = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/admin/outbox/{_run}");
        admin.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip, br");
        admin.Headers.Add("X-Api-Key", "the-key");
        using var answer = await http.SendAsync(admin);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Empty(answer.Content.Headers.ContentEncoding);
        Assert.Equal(Family(1), await answer.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_explorer_s_script_is_compressed_and_its_weak_ETag_still_revalidates()
    {
        var webRoot = _gateway.Services.GetRequiredService<IWebHostEnvironment>().WebRootFileProvider;
        var script = webRoot.GetDirectoryContents("assets").Single(f => f.Name.EndsWith(".js", StringComparison.Ordinal));
        var original = await File.ReadAllBytesAsync(script.PhysicalPath!);
        var http = _gateway.CreateClient();
        using var response = await GetAsync(http, "/assets/" + script.Name, "br");
        Assert.Equal(["br"], response.Content.Headers.ContentEncoding);
        Assert.Contains("immutable", response.Headers.CacheControl?.ToString());
        Assert.Equal(original, Decompress("br", await response.Content.ReadAsByteArrayAsync()));
        Assert.True(response.Headers.ETag?.IsWeak, $"ETag {response.Headers.ETag}");

        using var revalidate = new HttpRequestMessage(HttpMethod.Get, "/assets/" + script.Name);
        revalidate.Headers.TryAddWithoutValidation("Accept-Encoding", "br");
        revalidate.Headers.IfNoneMatch.Add(response.Headers.ETag!);
        using var notModified = await http.SendAsync(revalidate);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
    }

    private const int ExportHalf = 64 * 1024;

    /// <summary>Very compressible bytes (a gateway that compressed them would show it) in two halves, the second held back.</summary>
    private async Task StreamExportAsync(HttpContext context, string file)
    {
        context.Response.ContentType = file.EndsWith(".csv", StringComparison.Ordinal) ? "text/csv" : "application/vnd.apache.parquet";
        await context.Response.Body.WriteAsync(ExportBytes(0));
        await context.Response.Body.FlushAsync();
        if (file.EndsWith(".parquet", StringComparison.Ordinal))
        {
            await _exportMayFinish.Task.WaitAsync(TimeSpan.FromSeconds(20));
        }
        await context.Response.Body.WriteAsync(ExportBytes(1));
    }

    private static byte[] ExportBytes(int half) => Enumerable.Repeat((byte)('a' + half), ExportHalf).ToArray();

    /// <summary>A family tree of 500 nodes, about the size of the bench's largest cached answer.</summary>
    private static string Family(int version)
    {
        var nodes = Enumerable.Range(0, 500).Select(i => new
        {
            id = $"org-{i % 37}/model-{i}-instruct",
            relation = (i % 4) switch { 0 => "finetune", 1 => "quantized", 2 => "adapter", _ => "merge" },
            parent = i == 0 ? null : $"org-{(i - 1) % 37}/model-{(i - 1) / 2}-instruct",
            downloads = i * 7919 % 100_003,
            likes = i * 31 % 977,
            pipelineTag = "text-generation",
            createdAt = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddHours(i * 13),
            summary = $"A {(i % 2 == 0 ? "fine-tuned" : "quantized")} derivative of org-{i % 37}/model-{i / 2}, trained on dataset-{i % 53} "
                + "for chat and instruction following in English, French and German; see the card for evaluation results.",
            tags = new[] { "transformers", "safetensors", $"license:{(i % 3 == 0 ? "apache-2.0" : "mit")}", "en" },
        });
        return JsonSerializer.Serialize(new { version, root = "org-0/model-0-instruct", nodes });
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient http, string url, string? acceptEncoding)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (acceptEncoding is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        }
        var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response;
    }

    private static async Task<int> VersionAsync(HttpClient http, string url, string? coding)
    {
        using var response = await GetAsync(http, url, coding);
        var body = await response.Content.ReadAsByteArrayAsync();
        if (coding is not null)
        {
            Assert.Equal([coding], response.Content.Headers.ContentEncoding);
            body = Decompress(coding, body);
        }
        return JsonDocument.Parse(body).RootElement.GetProperty("version").GetInt32();
    }

    private static byte[] Decompress(string coding, byte[] body)
    {
        using var input = new MemoryStream(body);
        using Stream decompressor = coding == "br"
            ? new BrotliStream(input, CompressionMode.Decompress)
            : new GZipStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        decompressor.CopyTo(output);
        return output.ToArray();
    }

    public async Task DisposeAsync()
    {
        _exportMayFinish.TrySetResult();
        await _gateway.DisposeAsync();
        await _service.DisposeAsync();
        await _rabbit.DeleteVirtualHostAsync(_vhost);
        _rabbit.Dispose();
    }
}
