namespace HubPlatform.Tests.Support;

/// <summary>A clock the test moves by hand; timers fire when the time passes their due time.</summary>
public sealed class ManualTime : TimeProvider
{
    private readonly List<(DateTimeOffset Due, TaskCompletionSource Done)> _waits = [];
    private readonly Lock _gate = new();
    private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public void Advance(TimeSpan by)
    {
        List<TaskCompletionSource> due;
        lock (_gate)
        {
            _now += by;
            due = _waits.Where(w => w.Due <= _now).Select(w => w.Done).ToList();
            _waits.RemoveAll(w => w.Due <= _now);
        }
        due.ForEach(d => d.TrySetResult());
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private sealed class ManualTimer(ManualTime time, TimerCallback callback, object? state) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                return true;
            }
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (time._gate)
            {
                time._waits.Add((time._now + dueTime, done));
            }
            done.Task.ContinueWith(_ => callback(state), TaskScheduler.Default);
            return true;
        }

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
