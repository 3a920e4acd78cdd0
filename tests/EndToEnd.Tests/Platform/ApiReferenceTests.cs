using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HubPlatform.Tests.Support;

namespace HubPlatform.Tests.EndToEnd.Platform;

/// <summary>
/// The public API reference documents itself with examples that work: every parameter of every GET
/// operation is described, every one that takes a value has an example, and calling an operation with
/// its examples (alone and one optional parameter at a time) answers 200 from the crawled sample.
/// </summary>
[Collection(EndToEndCollection.Name)]
public class ApiReferenceTests(PlatformFixture platform)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Every_public_GET_parameter_has_a_description_and_its_examples_answer_200()
    {
        // The examples name microsoft/phi-2 and microsoft: wait until every service holds them.
        await platform.UntilAsync("/api/v1/lineage/microsoft/phi-2", _ => true, "lineage to know phi-2", Patience);
        await platform.UntilAsync("/api/v1/search/similar/microsoft/phi-2", _ => true, "phi-2 to be embedded", Patience);
        var crawls = await platform.UntilAsync("/api/v1/crawls",
            c => c.EnumerateArray().Any(x => x.GetProperty("status").GetString() == "Completed" && x.GetProperty("kind").GetString() == "Full"),
            "a full crawl", Patience);
        var snapshotId = crawls.EnumerateArray().First(x => x.GetProperty("status").GetString() == "Completed"
            && x.GetProperty("kind").GetString() == "Full")
            .GetProperty("snapshotId").GetString()!;
        await platform.UntilAsync("/api/v1/modelverse/organizations?metric=downloads&k=20",
            r => r.GetProperty("totalModels").GetInt64() == SampleData.SampleModels.Count, "metrics to hold the whole sample", Patience);

        var document = await platform.Gateway.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var operations = document.GetProperty("paths").EnumerateObject()
            .Where(p => p.Value.TryGetProperty("get", out _) && !p.Name.StartsWith("/api/v1/admin/", StringComparison.Ordinal))
            .Select(p => (Path: p.Name, Parameters: p.Value.GetProperty("get").TryGetProperty("parameters", out var ps)
                ? ps.EnumerateArray().ToArray() : []))
            .ToList();
        Assert.True(operations.Count >= 30, $"only {operations.Count} GET operations in the public document");

        var undocumented = new List<string>();
        var failed = new List<string>();
        var calls = 0;
        foreach (var (path, parameters) in operations)
        {
            var url = path;
            var required = new List<string>();
            var optional = new List<string>();
            foreach (var parameter in parameters)
            {
                var name = parameter.GetProperty("name").GetString()!;
                var example = parameter.TryGetProperty("example", out var e) ? Text(e) : null;
                if (!parameter.TryGetProperty("description", out _))
                {
                    undocumented.Add($"{path} {name}: no description");
                }
                if (parameter.GetProperty("in").GetString() == "path")
                {
                    // A snapshot id cannot be known in advance: its example is "latest" or none (guid routes).
                    var value = name == "snapshotId" && example is null ? snapshotId : example;
                    if (value is null)
                    {
                        undocumented.Add($"{path} {name}: path parameter without an example");
                        value = "x";
                    }
                    url = url.Replace("{**" + name + "}", value).Replace("{" + name + "}", value);
                }
                else if (example is not null && parameter.TryGetProperty("required", out var r) && r.GetBoolean())
                {
                    required.Add($"{Uri.EscapeDataString(name)}={Uri.EscapeDataString(example)}");
                }
                else if (example is not null)
                {
                    optional.Add($"{Uri.EscapeDataString(name)}={Uri.EscapeDataString(example)}");
                }
                else if (name is not ("snapshot" or "asOf")) // which snapshots exist is known only at run time
                {
                    undocumented.Add($"{path} {name}: no example");
                }
            }
            foreach (var query in optional.Prepend(null))
            {
                var call = url + "?" + string.Join('&', required.Append(query).OfType<string>());
                using var response = await platform.Gateway.GetAsync(call);
                calls++;
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    var body = await response.Content.ReadAsStringAsync();
                    failed.Add($"GET {call} → {(int)response.StatusCode} {body[..Math.Min(body.Length, 200)]}");
                }
            }
        }
        Assert.True(undocumented.Count + failed.Count == 0, string.Join('\n', undocumented.Concat(failed)));
        Assert.True(calls > operations.Count, "optional parameters were called too");
    }

    private static string? Text(JsonElement example) => example.ValueKind switch
    {
        JsonValueKind.String => example.GetString(),
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => example.GetRawText(),
    };
}
