using HubPlatform.HubEmulator.Hub;

namespace HubPlatform.HubEmulator.Apis;

/// <summary>Model cards as raw files: <c>/{id}/raw/{revision}/README.md</c>.</summary>
public static class RepoCardApi
{
    public static IEndpointRouteBuilder MapRepoCardApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/{owner}/{name}/raw/{revision}/README.md", (string owner, string name, RepoStore store) => Card(store, $"{owner}/{name}"))
            .WithName("GetModelCard");
        app.MapGet("/{name}/raw/{revision}/README.md", (string name, RepoStore store) => Card(store, name))
            .WithName("GetLegacyModelCard");
        return app;
    }

    private static IResult Card(RepoStore store, string id) =>
        store.Cards.TryGetValue(id, out var card)
            ? Results.Text(card, "text/plain; charset=utf-8")
            : Results.Text("Entry not found", "text/plain; charset=utf-8", statusCode: 404);
}
