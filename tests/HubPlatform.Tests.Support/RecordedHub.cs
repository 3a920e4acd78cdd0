using System.Net;
using System.Text.Json;

namespace HubPlatform.Tests.Support;

/// <summary>
/// Answers requests with the real Hub responses recorded in ../shared/data/hf-api-recorded (tests that use it need <see
/// cref="SharedNeed.RecordedResponses"/>).
/// </summary>
public sealed class RecordedHub : HttpMessageHandler
{
    private readonly Dictionary<string, JsonElement> _exchanges;

    public RecordedHub()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(SharedData.RecordedResponses));
        _exchanges = doc.RootElement.EnumerateArray().ToDictionary(e => e.GetProperty("uri").GetString()!, e => e.Clone());
    }

    public List<string> Requests { get; } = [];

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri!.GetLeftPart(UriPartial.Path);
        Requests.Add(uri);
        if (!_exchanges.TryGetValue(uri, out var exchange))
        {
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound)
            {
                Content = new StringContent("{\"error\":\"Repository not found\"}"),
            });
        }
        var response = new HttpResponseMessage((HttpStatusCode)exchange.GetProperty("status").GetInt32())
        {
            Content = new StringContent(exchange.GetProperty("body").GetString()!),
        };
        foreach (var header in exchange.GetProperty("headers").EnumerateObject())
        {
            if (!response.Headers.TryAddWithoutValidation(header.Name, header.Value.GetString()))
            {
                response.Content.Headers.TryAddWithoutValidation(header.Name, header.Value.GetString());
            }
        }
        return Task.FromResult(response);
    }
}
