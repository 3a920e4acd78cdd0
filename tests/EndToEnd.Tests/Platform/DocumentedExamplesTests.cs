using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using HubPlatform.Tests.Support;
using Xunit.Abstractions;

namespace HubPlatform.Tests.EndToEnd.Platform;

/// <summary>
/// Every <c>curl localhost:5100/...</c> example in README.md and docs/ answers 2xx on the platform
/// as <c>./hub up</c> runs it: the examples a newcomer pastes first must work.
/// </summary>
[Collection(EndToEndCollection.Name)]
public partial class DocumentedExamplesTests(PlatformFixture platform, ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Every_curl_example_in_the_readme_and_docs_answers_2xx()
    {
        var examples = Examples().ToList();
        Assert.True(examples.Count >= 20, $"only {examples.Count} curl examples found in README.md and docs/");
        // The examples name the sample's models, organizations and a snapshot: wait until the startup crawl is in.
        await platform.UntilAsync("/api/v1/lineage/microsoft/phi-2", _ => true, "lineage to know phi-2", Patience);
        await platform.UntilAsync("/api/v1/search/similar/microsoft/phi-2", _ => true, "phi-2 to be embedded", Patience);
        await platform.UntilAsync("/api/v1/modelverse/organizations?metric=downloads&k=20",
            r => r.GetProperty("totalModels").GetInt64() == SampleData.SampleModels.Count, "metrics to hold the whole sample", Patience);

        var failed = new List<string>();
        // A POST starts a crawl: run those last and wait for it, so no other test meets a crawl in progress.
        foreach (var example in examples.OrderBy(e => e.Method == HttpMethod.Post))
        {
            // Some answers need a moment (a 409 while a repo's vectors are computed); a real failure stays one.
            var giveUpAt = DateTime.UtcNow.AddSeconds(30);
            var status = (await Eventually.GetAsync(() => SendAsync(example),
                s => s is { } code && (int)code is >= 200 and < 300 || DateTime.UtcNow > giveUpAt, Patience, example.Source))!.Value;
            output.WriteLine($"{(int)status} {example.Method} {example.Path}   ({example.Source})");
            if ((int)status is < 200 or >= 300)
            {
                failed.Add($"{(int)status} {example.Method} {example.Path} ({example.Source})");
            }
        }
        Assert.Empty(failed);
        await platform.UntilAsync("/api/v1/crawls", c => c.EnumerateArray().All(x => x.GetProperty("status").GetString() is "Completed" or "Failed"),
            "the crawl a documented POST started to finish", Patience);
    }

    private async Task<HttpStatusCode?> SendAsync(Example example)
    {
        using var request = new HttpRequestMessage(example.Method, example.Path);
        if (example.Body is not null)
        {
            request.Content = new StringContent(example.Body, Encoding.UTF8,
                example.Headers.GetValueOrDefault("Content-Type", "application/x-www-form-urlencoded"));
        }
        foreach (var (name, value) in example.Headers.Where(h => h.Key != "Content-Type"))
        {
            request.Headers.Add(name, value);
        }
        using var response = await platform.Gateway.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>A curl command from the docs, as the request it makes.</summary>
    public sealed record Example(string Source, HttpMethod Method, string Path, Dictionary<string, string> Headers, string? Body);

    private static IEnumerable<Example> Examples()
    {
        var files = new[] { Path.Combine(SampleData.RepoRoot, "README.md") }
            .Concat(Directory.EnumerateFiles(Path.Combine(SampleData.RepoRoot, "docs"), "*.md"));
        foreach (var file in files)
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                if (!lines[i].TrimStart().StartsWith("curl ", StringComparison.Ordinal)
                    || !lines[i].Contains("localhost:5100", StringComparison.Ordinal))
                {
                    continue;
                }
                var start = i;
                var command = new StringBuilder(lines[i].TrimEnd());
                while (command[^1] == '\\' && i + 1 < lines.Length)
                {
                    command.Length--;
                    command.Append(' ').Append(lines[++i].Trim());
                }
                yield return Parse(command.ToString(), $"{Path.GetFileName(file)}:{start + 1}");
            }
        }
    }

    /// <summary>Reads the curl options the docs use: -X, -H, -d, -o and the URL; a trailing <c># comment</c> is not part of it.</summary>
    private static Example Parse(string command, string source)
    {
        var words = Words(command).ToList();
        var method = HttpMethod.Get;
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? body = null;
        string? url = null;
        for (var i = 1; i < words.Count; i++)
        {
            switch (words[i])
            {
                case "-X": method = new HttpMethod(words[++i]); break;
                case "-H":
                    var header = words[++i];
                    var colon = header.IndexOf(':');
                    headers[header[..colon].Trim()] = AdminKey(header[(colon + 1)..].Trim());
                    break;
                case "-d": body = words[++i]; method = method == HttpMethod.Get ? HttpMethod.Post : method; break;
                case "-o": i++; break;
                default: url = words[i].StartsWith("localhost:5100", StringComparison.Ordinal) ? words[i] : url; break;
            }
        }
        Assert.False(url is null, $"{source}: no localhost:5100 URL in `{command}`");
        return new Example(source, method, url!["localhost:5100".Length..], headers, body);
    }

    /// <summary>The docs read the admin key from .hub/secrets.json with a shell expression; the platform here was given its key.</summary>
    private static string AdminKey(string value) => value.Contains("$(", StringComparison.Ordinal)
        ? ShellExpression().Replace(value, PlatformFixture.AdminKey) : value;

    /// <summary>Shell words: single and double quotes group, <c>$( ... )</c> stays one word, <c>#</c> after a space ends the command.</summary>
    private static IEnumerable<string> Words(string command)
    {
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < command.Length; i++)
        {
            var c = command[i];
            if (c is '\'' or '"')
            {
                var end = c == '"' ? ClosingQuote(command, i) : command.IndexOf('\'', i + 1);
                word.Append(command, i + 1, end - i - 1);
                i = end;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    yield return word.ToString();
                    word.Clear();
                    inWord = false;
                }
            }
            else if (c == '#' && !inWord)
            {
                break;
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }
        if (inWord)
        {
            yield return word.ToString();
        }
    }

    /// <summary>The double quote that closes the one at <paramref name="open"/>, skipping any <c>$( ... )</c> inside.</summary>
    private static int ClosingQuote(string command, int open)
    {
        var depth = 0;
        for (var i = open + 1; i < command.Length; i++)
        {
            if (depth > 0)
            {
                depth += command[i] switch { '(' => 1, ')' => -1, _ => 0 };
            }
            else if (command[i] == '(' && command[i - 1] == '$')
            {
                depth = 1;
            }
            else if (command[i] == '"')
            {
                return i;
            }
        }
        throw new FormatException($"unclosed quote in `{command}`");
    }

    [GeneratedRegex(@"\$\(.*\)")]
    private static partial Regex ShellExpression();
}
