namespace ShipRoom.Web.Configuration;

/// <summary>
/// Keeps enough pool threads ready that a blocked database call cannot starve the call it waits for. SQLite calls are
/// synchronous underneath, and a writer that meets a held lock sleeps on its thread and retries; with the pool's
/// default minimum (one thread per core) a few such waiters occupy every thread while the writer holding the lock
/// waits for one to finish its transaction, until the 30-second timeout fails them all ("database is locked").
/// </summary>
public static class ThreadPoolFloor
{
    public const int MinimumWorkerThreads = 64;

    public static void Raise()
    {
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        if (workers < MinimumWorkerThreads)
        {
            ThreadPool.SetMinThreads(MinimumWorkerThreads, completionPorts);
        }
    }
}
