namespace HubPlatform.Tests.Support;

/// <summary>Waits for an eventually consistent condition (events are consumed asynchronously), with a deadline.</summary>
public static class Eventually
{
    public static async Task<T> GetAsync<T>(Func<Task<T?>> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        T? last = default;
        Exception? lastError = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                last = await probe();
                if (last is not null && done(last))
                {
                    return last;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
            {
                lastError = ex;
            }
            await Task.Delay(500);
        }
        throw new TimeoutException($"Timed out waiting for {what}; last value: {last}", lastError);
    }
}
