namespace ShipRoom.Infrastructure.Storage;

/// <summary>
/// Whether this instance can reach its database now, as last seen by the change listener's connection (PostgreSQL)
/// or by a command that failed for want of storage. The dashboard shows a degraded banner while it is unreachable.
/// </summary>
public sealed class StorageReachability(TimeProvider time)
{
    private readonly Lock _lock = new();
    private DateTimeOffset? _lostSince;
    private string? _problem;

    /// <summary>Raised after every change between reachable and unreachable.</summary>
    public event Action? Changed;

    public bool IsReachable { get { lock (_lock) { return _lostSince is null; } } }

    public DateTimeOffset? LostSince { get { lock (_lock) { return _lostSince; } } }

    /// <summary>What failed, in words safe to show (no connection string, no host).</summary>
    public string? Problem { get { lock (_lock) { return _problem; } } }

    public void Reached()
    {
        lock (_lock)
        {
            if (_lostSince is null)
            {
                return;
            }

            (_lostSince, _problem) = (null, null);
        }

        Changed?.Invoke();
    }

    public void Lost(string problem)
    {
        lock (_lock)
        {
            if (_lostSince is not null)
            {
                return;
            }

            (_lostSince, _problem) = (time.GetUtcNow(), problem);
        }

        Changed?.Invoke();
    }
}
