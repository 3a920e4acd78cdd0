using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HubPlatform.Tests.Support;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace HubPlatform.Tests.HubEmulator.Unit;

public class TrafficTests(EmulatorFactory emulator) : IClassFixture<EmulatorFactory>
{
    [Fact]
    public async Task Rate_limits_count_fixed_windows_per_client_and_answer_429_with_retry_after()
    {
        var time = new ManualTime();
        time.Advance(TimeSpan.FromSeconds(100)); // 100 s into a 300 s window
        using var limited = emulator.WithWebHostBuilder(b => b
            .UseSetting("Emulator:RateLimit:Enabled", "true")
            .UseSetting("Emulator:RateLimit:Api:Anonymous", "2")
            .UseSetting("Emulator:RateLimit:Api:Free", "5")
            .ConfigureTestServices(s => s.AddSingleton<TimeProvider>(time)));
        var http = limited.CreateClient();

        using var first = await http.GetAsync("/api/models?limit=1");
        Assert.Equal("\"api\";r=1;t=200", first.Headers.GetValues("RateLimit").Single());
        Assert.Equal("\"fixed window\";\"api\";q=2;w=300", first.Headers.GetValues("RateLimit-Policy").Single());
        using var second = await http.GetAsync("/api/models?limit=1");
        Assert.Equal("\"api\";r=0;t=200", second.Headers.GetValues("RateLimit").Single());
        using var third = await http.GetAsync("/api/models?limit=1");
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(200), third.Headers.RetryAfter!.Delta);

        // A token is another client with its own quota.
        using var withToken = new HttpRequestMessage(HttpMethod.Get, "/api/models?limit=1") { Headers = { { "Authorization", "Bearer hf_test" } } };
        using var tokenResponse = await http.SendAsync(withToken);
        Assert.Equal(HttpStatusCode.OK, tokenResponse.StatusCode);
        Assert.Equal("\"fixed window\";\"api\";q=5;w=300", tokenResponse.Headers.GetValues("RateLimit-Policy").Single());

        // The next window starts afresh.
        time.Advance(TimeSpan.FromSeconds(200));
        using var nextWindow = await http.GetAsync("/api/models?limit=1");
        Assert.Equal("\"api\";r=1;t=300", nextWindow.Headers.GetValues("RateLimit").Single());
    }

    [Fact]
    public async Task Each_bucket_has_its_own_quota_and_headers_and_a_spent_bucket_holds_only_its_own_requests()
    {
        var time = new ManualTime();
        using var limited = emulator.WithWebHostBuilder(b => b
            .UseSetting("Emulator:RateLimit:Enabled", "true")
            .UseSetting("Emulator:RateLimit:Api:Anonymous", "1")
            .UseSetting("Emulator:RateLimit:Resolvers:Anonymous", "3")
            .UseSetting("Emulator:RateLimit:Pages:Anonymous", "2")
            .ConfigureTestServices(s => s.AddSingleton<TimeProvider>(time)));
        var http = limited.CreateClient();
        const string Card = "/microsoft/phi-2/resolve/main/README.md";

        using var api = await http.GetAsync("/api/models?limit=1");
        Assert.Equal("\"api\";r=0;t=300", api.Headers.GetValues("RateLimit").Single());
        using var apiSpent = await http.GetAsync("/api/models?limit=1");
        Assert.Equal(HttpStatusCode.TooManyRequests, apiSpent.StatusCode);

        // The api bucket is spent; the resolvers bucket is not, and says so in its own headers.
        for (var left = 2; left >= 0; left--)
        {
            using var card = await http.GetAsync(Card);
            Assert.Equal(HttpStatusCode.OK, card.StatusCode);
            Assert.Equal($"\"resolvers\";r={left};t=300", card.Headers.GetValues("RateLimit").Single());
            Assert.Equal("\"fixed window\";\"resolvers\";q=3;w=300", card.Headers.GetValues("RateLimit-Policy").Single());
        }
        using var resolversSpent = await http.GetAsync(Card);
        Assert.Equal(HttpStatusCode.TooManyRequests, resolversSpent.StatusCode);
        Assert.Contains("action: resolvers", await resolversSpent.Content.ReadAsStringAsync());

        // /raw/ is a page: its own quota again.
        using var raw = await http.GetAsync("/microsoft/phi-2/raw/main/README.md");
        Assert.Equal(HttpStatusCode.OK, raw.StatusCode);
        Assert.Equal("\"fixed window\";\"pages\";q=2;w=300", raw.Headers.GetValues("RateLimit-Policy").Single());
        // The emulator's own routes are no bucket of the Hub's.
        using var admin = await http.GetAsync("/admin/faults");
        Assert.False(admin.Headers.Contains("RateLimit"));
    }

    [Theory]
    [InlineData(null, 500, 3000, 100)]
    [InlineData("hf_unknown_token", 1000, 5000, 200)]
    [InlineData("hf_pro_token", 2500, 12000, 400)]
    public async Task The_default_quotas_are_the_hubs_per_class_of_token(string? token, int api, int resolvers, int pages)
    {
        using var limited = emulator.WithWebHostBuilder(b => b
            .UseSetting("Emulator:RateLimit:Enabled", "true")
            .UseSetting("Emulator:RateLimit:Tokens:hf_pro_token", "Pro"));
        var http = limited.CreateClient();
        foreach (var (path, bucket, quota) in new[] { ("/api/models/microsoft/phi-2", "api", api),
            ("/microsoft/phi-2/resolve/main/README.md", "resolvers", resolvers), ("/microsoft/phi-2/raw/main/README.md", "pages", pages) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            if (token is not null)
            {
                request.Headers.Authorization = new("Bearer", token);
            }
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal($"\"fixed window\";\"{bucket}\";q={quota};w=300", response.Headers.GetValues("RateLimit-Policy").Single());
            Assert.StartsWith($"\"{bucket}\";r={quota - 1};t=", response.Headers.GetValues("RateLimit").Single());
        }
    }

    [Fact]
    public async Task Rate_limits_are_off_by_default()
    {
        using var response = await emulator.CreateClient().GetAsync("/api/models?limit=1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("RateLimit"));
    }

    [Fact]
    public async Task Every_nth_request_fails_as_configured_through_the_admin_endpoint()
    {
        using var faulty = emulator.WithWebHostBuilder(_ => { });
        var http = faulty.CreateClient();

        (await http.PostAsJsonAsync("/admin/faults", new { errorEveryNth = 3, truncateEveryNth = 4, malformedEveryNth = 5, dropEveryNth = 7 }))
            .EnsureSuccessStatusCode();
        var statuses = new List<string>();
        for (var i = 1; i <= 7; i++)
        {
            statuses.Add(await Outcome(http, "/api/models?limit=2"));
        }
        Assert.Equal(["ok", "ok", "503", "truncated", "malformed", "503", "dropped"], statuses);

        var current = await http.GetFromJsonAsync<JsonElement>("/admin/faults");
        Assert.Equal(3, current.GetProperty("errorEveryNth").GetInt32());

        (await http.DeleteAsync("/admin/faults")).EnsureSuccessStatusCode();
        Assert.Equal("ok", await Outcome(http, "/api/models?limit=2"));
    }

    [Fact]
    public async Task A_share_of_errors_from_a_seed_repeats_exactly()
    {
        using var faulty = emulator.WithWebHostBuilder(b => b
            .UseSetting("Emulator:Faults:ErrorRate", "0.5")
            .UseSetting("Emulator:Faults:Seed", "7"));
        var http = faulty.CreateClient();

        var first = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            first.Add(await Outcome(http, "/api/models?limit=1"));
        }
        (await http.PostAsJsonAsync("/admin/faults", new { errorRate = 0.5, seed = 7 })).EnsureSuccessStatusCode();
        var second = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            second.Add(await Outcome(http, "/api/models?limit=1"));
        }

        Assert.Equal(first, second);
        Assert.InRange(first.Count(s => s == "503"), 10, 30);
    }

    [Fact]
    public async Task Added_latency_holds_the_answer_until_the_time_has_passed()
    {
        var time = new ManualTime();
        using var slow = emulator.WithWebHostBuilder(b => b
            .UseSetting("Emulator:Faults:LatencyMs", "60000")
            .ConfigureTestServices(s => s.AddSingleton<TimeProvider>(time)));
        var http = slow.CreateClient();

        var answer = http.GetAsync("/api/models?limit=1");
        var minutesAdvanced = 0;
        // The answer cannot come before the emulator's time has moved a minute, however fast the machine.
        while (!answer.IsCompleted)
        {
            await Task.WhenAny(answer, Task.Delay(20));
            if (!answer.IsCompleted)
            {
                time.Advance(TimeSpan.FromMinutes(1));
                minutesAdvanced++;
            }
        }
        using var response = await answer;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(minutesAdvanced >= 1);
    }

    private static async Task<string> Outcome(HttpClient http, string url)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.GetAsync(url);
        }
        // A real server resets the connection; the in-process test server reports the abort as a cancellation.
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
            return "dropped";
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                return ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
            }
            var body = await response.Content.ReadAsStringAsync();
            try
            {
                JsonDocument.Parse(body).Dispose();
                return "ok";
            }
            catch (JsonException)
            {
                return body.Contains("\"_id\"=", StringComparison.Ordinal) ? "malformed" : "truncated";
            }
        }
    }
}
