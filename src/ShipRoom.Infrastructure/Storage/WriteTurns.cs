namespace ShipRoom.Infrastructure.Storage;

/// <summary>
/// Who writes next, within this process: a command someone is waiting for (a rollback, a hold, a rollout's creation, a
/// checklist tick) goes before background writes, the ones nobody waits for (a poll's claim, samples, judgement history
/// and record, the probes' runs), and before background work that writes nothing (<see cref="BackgroundWork"/>). On an
/// engine with a single writer (SQLite) background writes also take turns among themselves, awaiting instead of
/// blocking a thread in SQLite's busy wait, and do not start while a command is being carried out, so a command waits
/// for at most the one background transaction already running. A background write waits for commands at most
/// <see cref="MaxBackgroundWait"/> (2 s), so a stream of commands cannot stop the polls. A turn is not re-entrant: code
/// holding one must not ask for another. PostgreSQL locks rows, not the database: there background writes go side by
/// side (<c>singleWriter: false</c>), but still after the commands in flight, whose statements would otherwise wait for
/// cores busy with an hour of back-fill (a rollback's answer, p99 70-150 ms beside 50 first polls), and a write of many
/// statements yields again between them (<see cref="BackgroundTurn.YieldToCommandsAsync"/>). <see cref="None"/> never
/// waits.
/// </summary>
public sealed class WriteTurns
{
    /// <summary>The longest a background write yields to commands before it goes anyway, unless told otherwise.</summary>
    public static readonly TimeSpan DefaultMaxBackgroundWait = TimeSpan.FromSeconds(2);

    /// <summary>No turns: every write goes at once (a connection factory that names none, as a test's may).</summary>
    public static readonly WriteTurns None = new(enabled: false);

    private readonly bool _enabled;
    private readonly bool _singleWriter;
    private readonly SemaphoreSlim _background = new(1, 1);
    private readonly Lock _sync = new();
    private int _commands;
    private TaskCompletionSource _noCommands = Completed();

    public WriteTurns(bool enabled = true, TimeSpan? maxBackgroundWait = null, bool singleWriter = true)
    {
        _enabled = enabled;
        _singleWriter = singleWriter;
        MaxBackgroundWait = maxBackgroundWait ?? DefaultMaxBackgroundWait;
    }

    public TimeSpan MaxBackgroundWait { get; }

    /// <summary>Commands being carried out now (for tests and diagnostics).</summary>
    public int CommandsInFlight => Volatile.Read(ref _commands);

    /// <summary>Marks a command as being carried out until the returned scope is disposed.</summary>
    public IDisposable Command()
    {
        if (!_enabled)
        {
            return Scope.Empty;
        }

        Started();
        var outer = _commandFlow.Value;
        _commandFlow.Value = true;
        return new Scope(() =>
        {
            _commandFlow.Value = outer;
            Ended();
        });
    }

    /// <summary>Whether the code running carries out one of these turns' commands (what it calls must not give way to itself).</summary>
    private readonly AsyncLocal<bool> _commandFlow = new();

    private void Started()
    {
        lock (_sync)
        {
            if (_commands++ == 0)
            {
                _noCommands = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    private void Ended()
    {
        lock (_sync)
        {
            if (--_commands == 0)
            {
                _noCommands.TrySetResult();
            }
        }
    }

    /// <summary>
    /// The command waits for someone else now (the deploy system): the polls' writes may go meanwhile. Only inside a
    /// <see cref="Command"/> scope; the returned scope counts the command again.
    /// </summary>
    public IDisposable Aside()
    {
        if (!_enabled)
        {
            return Scope.Empty;
        }

        Ended();
        return new Scope(Started);
    }

    /// <summary>
    /// Waits for the background writers' turn: after the commands in flight and, with a single writer, after the
    /// background write before it.
    /// </summary>
    public async Task<BackgroundTurn> BackgroundAsync(CancellationToken cancellationToken)
    {
        if (!_enabled)
        {
            return BackgroundTurn.Free;
        }

        // Commands first, before the turn is taken and again once it is: each background write yields to commands at
        // most MaxBackgroundWait from when it asked, so waiting writes do not add their waits up behind a long command
        // (a slow deploy system), and a command that started meanwhile still goes before the write.
        var deadline = Deadline(TimeProvider.System.GetTimestamp());
        await NoCommandsAsync(deadline, cancellationToken);
        if (!_singleWriter)
        {
            return new BackgroundTurn(this, deadline, null);
        }

        await _background.WaitAsync(cancellationToken);
        try
        {
            await NoCommandsAsync(deadline, cancellationToken);
        }
        catch
        {
            _background.Release();
            throw;
        }

        return new BackgroundTurn(this, deadline, () => _background.Release());
    }

    /// <summary>
    /// Background work that writes nothing gives way to commands too, with no turn among itself (a poll judging an hour
    /// of samples, a push to a thousand hub clients a slice at a time): before each step it calls
    /// <see cref="BackgroundTurn.YieldToCommandsAsync"/>, which waits while this process carries out a command, all
    /// within <see cref="MaxBackgroundWait"/> from <paramref name="askedAt"/> (a stopwatch timestamp; now when not given:
    /// a push counts from when it was queued, so a queue of pushes does not add its waits up). On two cores such work took
    /// the cores a command's statements and its answer needed. Asked for within a command's own code (an advance judges
    /// its rollout), the turn never waits.
    /// </summary>
    public BackgroundTurn BackgroundWork(long? askedAt = null) =>
        _enabled && !_commandFlow.Value ? new BackgroundTurn(this, Deadline(askedAt ?? TimeProvider.System.GetTimestamp()), null) : BackgroundTurn.Free;

    private long Deadline(long askedAt) => askedAt + (long)(MaxBackgroundWait.TotalSeconds * TimeProvider.System.TimestampFrequency);

    /// <summary>
    /// Until no command is being carried out, or the deadline (stopwatch time) has passed. Looks again after each wait:
    /// a command may have begun as the last one ended, and a timer may fire a little before the deadline as the
    /// stopwatch counts it.
    /// </summary>
    private async Task NoCommandsAsync(long deadline, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task noCommands;
            lock (_sync)
            {
                noCommands = _noCommands.Task;
            }

            var left = TimeProvider.System.GetElapsedTime(TimeProvider.System.GetTimestamp(), deadline);
            if (noCommands.IsCompleted || left <= TimeSpan.Zero)
            {
                return;
            }

            try
            {
                await noCommands.WaitAsync(left, cancellationToken);
            }
            catch (TimeoutException)
            {
                // Commands kept coming for MaxBackgroundWait: the poll's write goes once the deadline has passed.
            }
        }
    }

    /// <summary>
    /// A background write's turn. A write of several statements (an hour of back-fill) calls
    /// <see cref="YieldToCommandsAsync"/> between them: a command this process is carrying out then runs while the write
    /// waits, not beside its statements (a command on another instance is not seen). Only for a write that holds nothing
    /// a command needs meanwhile, as PostgreSQL's sample write; a SQLite transaction holds the one write lock, so a
    /// SQLite write gives way between its transactions instead, each taking a turn of its own. On PostgreSQL those
    /// statements run on the same cores as the command's, in other server processes: four back-fills side by side took
    /// them, and a rollback's answer waited 50-95 ms for a core. The write
    /// yields within the same bound as its first wait (<see cref="MaxBackgroundWait"/> from when it asked), so its
    /// transaction stays open at most that much longer.
    /// </summary>
    public sealed class BackgroundTurn : IDisposable
    {
        /// <summary>A turn that never waits (turns not enabled).</summary>
        internal static readonly BackgroundTurn Free = new(null, 0, null);

        private readonly WriteTurns? _turns;
        private readonly long _deadline;
        private Action? _release;

        internal BackgroundTurn(WriteTurns? turns, long deadline, Action? release) => (_turns, _deadline, _release) = (turns, deadline, release);

        /// <summary>Waits while commands are being carried out, until the turn's deadline; at once when there are none.</summary>
        public Task YieldToCommandsAsync(CancellationToken cancellationToken) =>
            _turns is null ? Task.CompletedTask : _turns.NoCommandsAsync(_deadline, cancellationToken);

        public void Dispose() => Interlocked.Exchange(ref _release, null)?.Invoke();
    }

    private static TaskCompletionSource Completed()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        done.SetResult();
        return done;
    }

    private sealed class Scope(Action? release) : IDisposable
    {
        public static readonly Scope Empty = new(null);

        private Action? _release = release;

        public void Dispose() => Interlocked.Exchange(ref _release, null)?.Invoke();
    }
}
