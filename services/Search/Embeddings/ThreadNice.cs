using System.Runtime.InteropServices;

namespace HubPlatform.Search.Embeddings;

/// <summary>
/// Lowers the calling thread's CPU scheduling priority. .NET ignores <see cref="Thread.Priority"/> on Linux (raising
/// it back needs privileges the runtime does not assume), but Linux keeps a nice value per thread and lets any thread
/// lower its own: setpriority(PRIO_PROCESS, tid, n) with the kernel's thread id changes that thread only, and the
/// threads it creates afterwards inherit it (ONNX Runtime's intra-op pool among them). Elsewhere the managed
/// priority is the best there is.
/// </summary>
internal static partial class ThreadNice
{
    private const int PrioProcess = 0;

    /// <summary>Sets the calling thread's nice value (Linux) or lowest priority (elsewhere); false with the errno if refused.</summary>
    public static bool TryLowerCurrentThread(int nice, out int error)
    {
        error = 0;
        if (!OperatingSystem.IsLinux())
        {
            Thread.CurrentThread.Priority = ThreadPriority.Lowest;
            return true;
        }
        if (SetPriority(PrioProcess, GetTid(), nice) == 0)
        {
            return true;
        }
        error = Marshal.GetLastPInvokeError();
        return false;
    }

    // glibc 2.30+: the kernel's id of the thread, which setpriority and /proc/self/task/{tid} use (not the managed id).
    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetTid();

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, int who, int prio);
}
