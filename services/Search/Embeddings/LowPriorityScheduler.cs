using System.Collections.Concurrent;

namespace HubPlatform.Search.Embeddings;

/// <summary>
/// Runs tasks on its own long-lived background threads, each of which lowers its priority once when it starts
/// (<see cref="ThreadNice"/>): work queued here yields the cores to any thread at normal priority. Thread-pool
/// threads cannot be used for that: a pool thread whose priority was lowered would carry it into the next request.
/// Work run here must not hand anything to the thread pool either (no awaits, no continuations): a pool worker
/// created by one of these threads would inherit its priority for good.
/// </summary>
public sealed class LowPriorityScheduler : TaskScheduler, IDisposable
{
    private readonly BlockingCollection<Task> _queue = [];
    private readonly Thread[] _threads;
    private readonly ThreadLocal<bool> _isOwnThread = new();

    /// <param name="threads">How many threads run tasks at once.</param>
    /// <param name="nice">The nice value of those threads (19, the lowest priority, to 1).</param>
    /// <param name="name">The threads' name, as debuggers and /proc/self/task/*/comm show it.</param>
    public LowPriorityScheduler(int threads, int nice, string name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(nice, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(nice, 19);
        Nice = nice;
        _threads = new Thread[threads];
        using var started = new CountdownEvent(threads);
        for (var i = 0; i < threads; i++)
        {
            _threads[i] = new Thread(() => Run(started)) { IsBackground = true, Name = name };
            _threads[i].Start();
        }
        // Whether the priority took is known when the constructor returns, for the caller to log.
        started.Wait();
    }

    public int Nice { get; }

    /// <summary>The errno of a refused priority change (0 when every thread got it), e.g. under a seccomp profile.</summary>
    public int PriorityError { get; private set; }

    public override int MaximumConcurrencyLevel => _threads.Length;

    private void Run(CountdownEvent started)
    {
        _isOwnThread.Value = true;
        if (!ThreadNice.TryLowerCurrentThread(Nice, out var error))
        {
            PriorityError = error;
        }
        started.Signal();
        foreach (var task in _queue.GetConsumingEnumerable())
        {
            TryExecuteTask(task);
        }
    }

    protected override void QueueTask(Task task) => _queue.Add(task);

    // Only on one of these threads: inlining on a caller's thread would run the work at the caller's priority.
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        _isOwnThread.Value && TryExecuteTask(task);

    protected override IEnumerable<Task> GetScheduledTasks() => _queue.ToArray();

    public void Dispose()
    {
        _queue.CompleteAdding();
        foreach (var thread in _threads)
        {
            thread.Join();
        }
        _queue.Dispose();
        _isOwnThread.Dispose();
    }
}
