namespace HubPlatform.HubEmulator.Traffic;

/// <summary>
/// The faults in force, from configuration at start and replaced through <c>/admin/faults</c>.
/// Replacing them restarts the request count and the random, so a test sees the same sequence.
/// </summary>
public sealed class FaultSwitch
{
    private readonly Lock _gate = new();
    private FaultOptions _options;
    private Random _random;
    private long _requests;

    public FaultSwitch(FaultOptions options)
    {
        _options = options;
        _random = new Random(options.Seed);
    }

    public FaultOptions Current
    {
        get
        {
            lock (_gate)
            {
                return _options;
            }
        }
    }

    public void Replace(FaultOptions options)
    {
        lock (_gate)
        {
            _options = options;
            _random = new Random(options.Seed);
            _requests = 0;
        }
    }

    /// <summary>Counts one request and decides what happens to it.</summary>
    public (FaultOptions Options, Fault Fault) Next()
    {
        lock (_gate)
        {
            var n = ++_requests;
            var o = _options;
            var roll = _random.NextDouble();
            var fault =
                Every(o.DropEveryNth, n) ? Fault.Drop :
                Every(o.ErrorEveryNth, n) || roll < o.ErrorRate ? Fault.ServerError :
                Every(o.TruncateEveryNth, n) ? Fault.Truncate :
                Every(o.MalformedEveryNth, n) ? Fault.Malformed :
                Fault.None;
            return (o, fault);
        }
    }

    private static bool Every(int nth, long n) => nth > 0 && n % nth == 0;
}

public enum Fault
{
    None,
    Drop,
    ServerError,
    Truncate,
    Malformed,
}
