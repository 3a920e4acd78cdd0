namespace HubPlatform.HubEmulator.Traffic;

/// <summary>Applies the faults of <see cref="FaultSwitch"/> to Hub API requests (never to /admin or health checks).</summary>
public sealed class FaultInjection(RequestDelegate next, FaultSwitch faults, TimeProvider time)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var path = http.Request.Path;
        if (!path.StartsWithSegments("/api") && !(path.Value ?? "").Contains("/raw/", StringComparison.Ordinal))
        {
            await next(http);
            return;
        }

        var (options, fault) = faults.Next();
        if (options.LatencyMs > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(options.LatencyMs), time, http.RequestAborted);
        }
        switch (fault)
        {
            case Fault.Drop:
                http.Abort();
                return;
            case Fault.ServerError:
                await Apis.RepoApi.HubError(options.ErrorStatus, "Internal Error - We're working hard to fix this as soon as possible!")
                    .ExecuteAsync(http);
                return;
            case Fault.Truncate or Fault.Malformed:
                await Corrupt(http, fault);
                return;
            default:
                await next(http);
                return;
        }
    }

    private async Task Corrupt(HttpContext http, Fault fault)
    {
        var original = http.Response.Body;
        using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        try
        {
            await next(http);
        }
        finally
        {
            http.Response.Body = original;
        }
        var body = buffer.ToArray();
        if (fault == Fault.Truncate)
        {
            body = body[..(body.Length / 2)];
        }
        else if (body.Length == 0)
        {
            body = "{"u8.ToArray();
        }
        else
        {
            // Same length, but a colon becomes '=' so no JSON parser accepts it.
            var colon = Array.IndexOf(body, (byte)':');
            body[colon >= 0 ? colon : 0] = (byte)'=';
        }
        http.Response.ContentLength = body.Length;
        await original.WriteAsync(body, http.RequestAborted);
    }
}
