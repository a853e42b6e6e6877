namespace ShipRoom.Infrastructure.Rollouts.Polling;

/// <summary>
/// Judging one rollout at a time on SQLite. Every SQLite connection keeps its own page cache, and a write through any
/// other connection empties it; side by side on two cores the judgements also queue behind each other in the thread
/// pool. In the bench (docs/benchmarks.md, fourteenth round) the rollouts cost 2.8-4.9 ms of CPU per poll polled one at
/// a time, 4.4-6.7 ms side by side, and 3.7-6.5 ms judged one at a time: the gain is within the spread between
/// identical runs. A turn covers judging, recording the history, and building and publishing the snapshot when no
/// command is called for. It is left before a command is carried out (the command goes to the deploy system, seconds
/// with retries, and builds and publishes its own snapshot), so a slow deploy system holds up no other rollout's
/// judgement or rollback. The metric reads are outside it: a slow source holds one poll.
/// </summary>
public sealed class JudgingTurns(bool oneAtATime)
{
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly AtOnceCount _judging = new();

    public bool OneAtATime { get; } = oneAtATime;

    /// <summary>The most judgements that ran at the same moment (for tests and diagnostics).</summary>
    public int MostAtOnce => _judging.Most;

    /// <summary>Waits for a turn (on SQLite); the turn ends when it is left or disposed, whichever comes first.</summary>
    public async Task<Turn> EnterAsync(CancellationToken cancellationToken)
    {
        if (OneAtATime)
        {
            await _turn.WaitAsync(cancellationToken);
        }

        _judging.Enter();
        return new Turn(this);
    }

    private void End()
    {
        _judging.Exit();
        if (OneAtATime)
        {
            _turn.Release();
        }
    }

    public sealed class Turn(JudgingTurns turns) : IDisposable
    {
        private int _left;

        /// <summary>Ends the turn now (once; later calls and disposal do nothing).</summary>
        public void Leave()
        {
            if (Interlocked.Exchange(ref _left, 1) == 0)
            {
                turns.End();
            }
        }

        public void Dispose() => Leave();
    }
}
