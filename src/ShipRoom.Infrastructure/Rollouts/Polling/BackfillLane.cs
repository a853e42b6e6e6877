namespace ShipRoom.Infrastructure.Rollouts.Polling;

/// <summary>
/// Back-fills (a first poll's hour, or what a downtime missed) take turns, a few at a time, among the polls side by
/// side. Each reads, stores and judges tens of times a steady poll's samples: four of them at once on two cores, with
/// PostgreSQL's inserts beside them, left a rollback given in their first seconds waiting for a core
/// (docs/benchmarks.md, twenty-fourth round). Steady polls do not queue here.
/// </summary>
public sealed class BackfillLane(int width)
{
    private readonly SemaphoreSlim _turns = new(width, width);
    private readonly AtOnceCount _running = new();

    /// <summary>The most back-fills that ran at the same moment.</summary>
    public int MostAtOnce => _running.Most;

    public async Task<Turn> EnterAsync(CancellationToken cancellationToken)
    {
        await _turns.WaitAsync(cancellationToken);
        _running.Enter();
        return new Turn(this);
    }

    public sealed class Turn(BackfillLane lane) : IDisposable
    {
        private int _left;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _left, 1) == 0)
            {
                lane._running.Exit();
                lane._turns.Release();
            }
        }
    }
}
