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
            .WithName("AdvanceClock").WithSummary("Move the hub's time forward: new repos appear, downloads change, some repos are renamed or deleted");
        return app;
    }
}

public sealed record ClockReading(DateTimeOffset Now);
