using HubPlatform.HubEmulator.Hub;
using HubPlatform.HubEmulator.Traffic;

namespace HubPlatform.HubEmulator.Apis;

/// <summary>
/// <c>/admin</c>: what tests and load runs change while the emulator runs. Not part of the Hub's
/// API. It can fake outages and move time, so it needs the admin key (<see cref="AdminKey"/>).
/// </summary>
public static class AdminApi
{
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin").RequireAdminKey();
        admin.MapGet("/faults", (FaultSwitch faults) => TypedResults.Ok(faults.Current))
            .WithName("GetFaults").WithSummary("The faults in force");
        admin.MapPost("/faults", (FaultOptions options, FaultSwitch faults) =>
            {
                faults.Replace(options);
                return TypedResults.Ok(faults.Current);
            })
            .WithName("SetFaults").WithSummary("Replace the faults and restart their request count");
        admin.MapDelete("/faults", (FaultSwitch faults) =>
            {
                faults.Replace(new FaultOptions());
                return TypedResults.NoContent();
            })
            .WithName("ClearFaults").WithSummary("No more faults");

        admin.MapGet("/clock", (EmulatorClock clock) => TypedResults.Ok(new ClockReading(clock.Now)))
            .WithName("GetClock").WithSummary("The emulated hub's time");
        admin.MapPost("/clock/advance", (EmulatorClock clock, double? days, double? hours) =>
            {
                var by = TimeSpan.FromDays(days ?? 0) + TimeSpan.FromHours(hours ?? 0);
                return by < TimeSpan.Zero
                    ? Results.Problem("The clock only moves forward.", statusCode: 400)
                    : Results.Ok(new ClockReading(clock.Advance(by)));
            })
            .WithName("AdvanceClock")
            .WithSummary("Move the hub's time forward: new repos appear, downloads change, some repos are renamed or deleted");

        admin.MapPut("/{type}/{owner}/{name}/readme", CommitReadme)
            .WithName("CommitReadme")
            .WithSummary("Replace a replayed model's or dataset's README: a commit, so its sha and lastModified move (the body is the new README)");
        return app;
    }

    private static async Task<IResult> CommitReadme(string type, string owner, string name, HttpRequest request, EmulatedHub hub, EmulatorClock clock)
    {
        if (type is not ("models" or "datasets"))
        {
            return Results.Problem($"Cards are READMEs of models or datasets, not of '{type}'.", statusCode: 400);
        }
        if (hub.Repos(type == "models" ? RepoType.Model : RepoType.Dataset) is not RepoStore repos)
        {
            return Results.Problem("Only a replayed hub's repos can be changed: a generated hub follows its clock.", statusCode: 409);
        }
        using var reader = new StreamReader(request.Body);
        var readme = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        return repos.CommitReadme($"{owner}/{name}", readme, clock.Now) is { } commit
            ? Results.Ok(new ReadmeCommit($"{owner}/{name}", commit.Sha, commit.LastModified))
            : Results.Problem($"No {type[..^1]} {owner}/{name}.", statusCode: 404);
    }
}

public sealed record ReadmeCommit(string Id, string Sha, DateTimeOffset LastModified);

public sealed record ClockReading(DateTimeOffset Now);
