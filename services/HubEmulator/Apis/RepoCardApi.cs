using HubPlatform.HubEmulator.Hub;

namespace HubPlatform.HubEmulator.Apis;

/// <summary>Cards as raw files: <c>/{id}/raw/{revision}/README.md</c> for models, <c>/datasets/{id}/raw/...</c> for datasets.</summary>
public static class RepoCardApi
{
    public static IEndpointRouteBuilder MapRepoCardApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/datasets/{owner}/{name}/raw/{revision}/README.md",
            (string owner, string name, EmulatedHub hub) => Card(hub, RepoType.Dataset, $"{owner}/{name}"))
            .WithName("GetDatasetCard");
        app.MapGet("/{owner}/{name}/raw/{revision}/README.md",
            (string owner, string name, EmulatedHub hub) => Card(hub, RepoType.Model, $"{owner}/{name}"))
            .WithName("GetModelCard");
        app.MapGet("/{name}/raw/{revision}/README.md", (string name, EmulatedHub hub) => Card(hub, RepoType.Model, name))
            .WithName("GetLegacyModelCard");
        return app;
    }

    private static IResult Card(EmulatedHub hub, RepoType type, string id) =>
        hub.Repos(type).Card(id) is { } card
            ? Results.Text(card, "text/plain; charset=utf-8")
            : Results.Text("Entry not found", "text/plain; charset=utf-8", statusCode: 404);
}
