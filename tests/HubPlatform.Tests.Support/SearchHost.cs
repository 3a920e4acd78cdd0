using System.Net.Http.Json;
using System.Text.Json;

namespace HubPlatform.Tests.Support;

/// <summary>How tests run the search service (its own tests, and the crawler's that follow a card into search).</summary>
public static class SearchHost
{
    /// <summary>How long the sample's embedding may take on a shared CI machine.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromMinutes(8);

    // Four chunks per card keep the whole sample's embedding to a few minutes on a shared CI machine; the
    // descriptions the search tests' queries rely on are in every card's first screen.
    public static readonly Dictionary<string, string?> Settings = new() { ["Search:Embeddings:MaxChunksPerCard"] = "4" };

    /// <summary>The answer's JSON, or null for a non-2xx answer (a caller waiting with <see cref="Eventually"/> tries again).</summary>
    public static async Task<JsonElement?> Json(HttpClient http, string url)
    {
        using var response = await http.GetAsync(url);
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : null;
    }
}
