using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HubPlatform.Tests.Support;

namespace HubPlatform.Tests.EndToEnd.Platform;

/// <summary>Faults of the platform's own servers, and what must never leak, on the real AppHost.</summary>
[Collection(EndToEndCollection.Name)]
public class RecoveryTests(PlatformFixture platform)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Postgres_restarted_during_a_crawl_every_service_recovers_and_the_snapshot_arrives_whole()
    {
        await Eventually.GetAsync(() => platform.Gateway.GetFromJsonAsync<JsonElement[]>("/api/v1/crawls"),
            crawls => crawls.Length > 0 && crawls.All(c => c.GetProperty("status").GetString() == "Completed"), Patience, "earlier crawls");

        using var start = new HttpRequestMessage(HttpMethod.Post, "/api/v1/crawls") { Content = JsonContent.Create(new { kind = "Full" }) };
        start.Headers.Add("X-Api-Key", PlatformFixture.AdminKey);
        using var accepted = await platform.Gateway.SendAsync(start);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var snapshotId = (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("snapshotId").GetString();

        // Every service holds pooled connections and the crawl is under way: restart the database under them.
        await platform.RestartPostgresAsync();

        // No manual action: the crawl resumes from its checkpoint, consumers retry, the snapshot arrives whole.
        await Until($"/api/v1/crawls/{snapshotId}", c => c.GetProperty("status").GetString() == "Completed", "the crawl to finish after the restart");
        var snapshot = await Until($"/api/v1/snapshots/{snapshotId}",
            s => s.GetProperty("ingestedModels").GetInt64() == SampleData.SampleModels.Count
                && s.GetProperty("completedAt").ValueKind != JsonValueKind.Null,
            "metrics to ingest the whole snapshot");
        Assert.Equal(SampleData.SampleModels.Count, snapshot.GetProperty("models").GetInt64());
        await Until("/api/v1/lineage/microsoft/phi-2?after-restart=1", _ => true, "lineage to answer after the restart");
        await Until("/api/v1/search/status", s => s.GetProperty("documents").GetInt64() >= SampleData.SampleModels.Count,
            "search to answer after the restart");
    }

    [Fact]
    public async Task Secrets_never_appear_in_any_log_or_response()
    {
        var secrets = JsonSerializer.Deserialize<Dictionary<string, string>>(
            await File.ReadAllTextAsync(Path.Combine(platform.DataDirectory, "secrets.json")))!.Values.Append(PlatformFixture.AdminKey).ToArray();
        Assert.True(secrets.Length >= 3, "the database passwords and the admin key");

        // Make every service talk: a crawl, reads of every area, admin calls with right and wrong keys.
        await Eventually.GetAsync(() => platform.Gateway.GetFromJsonAsync<JsonElement[]>("/api/v1/crawls"),
            crawls => crawls.Any(c => c.GetProperty("status").GetString() == "Completed"), Patience, "a crawl");
        var bodies = new List<string>();
        foreach (var url in new[] { "/api/v1/crawls", "/api/v1/snapshots", "/api/v1/models/microsoft/phi-2", "/api/v1/lineage/microsoft/phi-2",
                     "/api/v1/search?q=chat", "/api/v1/search/status", "/openapi/v1.json", "/health", "/api/v1/models/%27%3B--" })
        {
            using var response = await platform.Gateway.GetAsync(url);
            bodies.Add(await response.Content.ReadAsStringAsync());
            bodies.Add(response.Headers.ToString());
        }
        using (var wrongKey = new HttpRequestMessage(HttpMethod.Post, "/api/v1/crawls") { Content = JsonContent.Create(new { kind = "Full" }) })
        {
            wrongKey.Headers.Add("X-Api-Key", PlatformFixture.AdminKey + "x");
            using var response = await platform.Gateway.SendAsync(wrongKey);
            bodies.Add(await response.Content.ReadAsStringAsync());
        }

        // Every service's console output, forwarded by Aspire to the AppHost's loggers.
        var lines = 0;
        var resources = new HashSet<string>();
        foreach (var (category, message) in platform.Logs.Lines.ToArray())
        {
            lines++;
            resources.Add(category);
            foreach (var secret in secrets)
            {
                Assert.False(message.Contains(secret, StringComparison.Ordinal), $"{category} logged a secret: {message}");
            }
        }
        Assert.True(resources.Any(c => c.EndsWith(".metrics", StringComparison.Ordinal)),
            "no metrics output among: " + string.Join(", ", resources.Take(30)));
        Assert.True(lines > 100, $"only {lines} log lines were read");
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(bodies, b => b.Contains(secret, StringComparison.Ordinal));
        }
    }

    private Task<JsonElement> Until(string url, Func<JsonElement, bool> done, string what) => platform.UntilAsync(url, done, what, Patience);
}
