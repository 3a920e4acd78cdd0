using System.Diagnostics;
using System.Text.Json;
using HubPlatform.HubEmulator.Hub;
using HubPlatform.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;

namespace HubPlatform.Tests.HubEmulator.Integration.Clients;

/// <summary>
/// The official JS client, <c>@huggingface/hub</c> 2.17.5 as npm installs it from the committed
/// lock file (Clients/js), unchanged, against the emulator on a real port: <c>modelInfo</c>
/// (<c>/api/models/{id}/revision/HEAD</c>) and <c>downloadFile</c> (a <c>Range: bytes=0-0</c>
/// probe of <c>/resolve/main/README.md</c>, then the file; <c>null</c> for a missing one).
/// </summary>
public class JsClientTests
{
    private static readonly string Project = Path.Combine(SampleData.RepoRoot, "tests", "HubEmulator.Tests", "Integration", "Clients", "js");

    [Fact]
    public async Task Model_info_and_download_file_work_against_the_emulator()
    {
        await using var emulator = new KestrelEmulator();
        emulator.UseKestrel(0);
        emulator.StartServer();
        var endpoint = emulator.ClientOptions.BaseAddress.ToString();
        await Npm("ci --no-audit --no-fund");

        var answer = JsonDocument.Parse(await Run("node", "check.mjs", ("HF_ENDPOINT", endpoint), ("REPO", "microsoft/phi-2"),
            ("HF_TOKEN", "hf_js_client_test"))).RootElement;

        var sample = SampleData.SampleModels.Single(m => m.GetProperty("id").GetString() == "microsoft/phi-2");
        using var http = new HttpClient { BaseAddress = emulator.ClientOptions.BaseAddress };
        var readme = await http.GetStringAsync("/microsoft/phi-2/raw/main/README.md");
        Assert.Equal(("microsoft/phi-2", sample.GetProperty("_id").GetString(), sample.GetProperty("sha").GetString(),
            sample.GetProperty("downloads").GetInt64()),
            (answer.GetProperty("name").GetString(), answer.GetProperty("id").GetString(), answer.GetProperty("sha").GetString(),
            answer.GetProperty("downloads").GetInt64()));
        Assert.Equal(sample.GetProperty("pipeline_tag").GetString(), answer.GetProperty("task").GetString());
        Assert.Equal(readme, answer.GetProperty("readme").GetString());
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(readme), answer.GetProperty("readmeSize").GetInt64());
        Assert.Equal(JsonValueKind.Null, answer.GetProperty("missing").ValueKind);
    }

    /// <summary>
    /// npm ci from the committed lock file. Not under /tmp/hub-build.lock itself: the test run that
    /// runs this holds it already (taking it again here would wait for ourselves).
    /// </summary>
    private static Task<string> Npm(string arguments) => Run("npm", arguments);

    private static async Task<string> Run(string file, string arguments, params (string Key, string Value)[] environment)
    {
        var start = new ProcessStartInfo(file, arguments) { WorkingDirectory = Project, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"{file} {arguments} exited {process.ExitCode}: {await error}");
        return (await output).Trim().Split('\n')[^1];
    }

    private sealed class KestrelEmulator : WebApplicationFactory<RepoStore>
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder) => builder.UseReplayedSample();
    }
}
