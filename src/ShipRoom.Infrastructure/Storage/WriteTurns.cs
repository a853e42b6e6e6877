namespace ShipRoom.Infrastructure.Storage;

/// <summary>
/// Who writes next on an engine with a single writer (SQLite): a command someone is waiting for (a rollback, a hold)
/// goes before bulk writes (a poll's samples, up to an hour of back-fill in one transaction). Bulk writes take turns
/// among themselves, awaiting instead of spinning on SQLite's lock, and do not start while a command is being carried
/// out, so a command waits for at most the one bulk transaction already running. A bulk write waits for commands at
/// most <see cref="MaxBulkWait"/> (2 s), so a stream of commands cannot stop the polls. PostgreSQL locks rows, not the
/// database: it takes <see cref="None"/>, which never waits.
/// </summary>
public sealed class WriteTurns
{
    /// <summary>The longest a bulk write yields to commands before it goes anyway, unless told otherwise.</summary>
    public static readonly TimeSpan DefaultMaxBulkWait = TimeSpan.FromSeconds(2);

    /// <summary>No turns: every write goes at once (PostgreSQL, or a test that does not care).</summary>
    public static readonly WriteTurns None = new(enabled: false);

    private readonly bool _enabled;
    private readonly SemaphoreSlim _bulk = new(1, 1);
    private readonly Lock _sync = new();
    private int _commands;
    private TaskCompletionSource _noCommands = Completed();

    public WriteTurns(bool enabled = true, TimeSpan? maxBulkWait = null)
    {
        _enabled = enabled;
        MaxBulkWait = maxBulkWait ?? DefaultMaxBulkWait;
    }

    public TimeSpan MaxBulkWait { get; }

    /// <summary>Commands being carried out now (for tests and diagnostics).</summary>
    public int CommandsInFlight => Volatile.Read(ref _commands);

    /// <summary>Marks a command as being carried out until the returned scope is disposed.</summary>
    public IDisposable Command()
    {
        if (!_enabled)
        {
            return Scope.Empty;
        }

        lock (_sync)
        {
            if (_commands++ == 0)
            {
                _noCommands = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        return new Scope(() =>
        {
            lock (_sync)
            {
                if (--_commands == 0)
                {
                    _noCommands.TrySetResult();
                }
            }
        });
    }

    /// <summary>Waits for the bulk writer's turn: after the bulk write before it, and after the commands in flight.</summary>
    public async Task<IDisposable> BulkAsync(CancellationToken cancellationToken)
    {
        if (!_enabled)
        {
            return Scope.Empty;
        }

        await _bulk.WaitAsync(cancellationToken);
        try
        {
            Task noCommands;
            lock (_sync)
            {
                noCommands = _noCommands.Task;
            }

            try
            {
                await noCommands.WaitAsync(MaxBulkWait, cancellationToken);
            }
            catch (TimeoutException)
            {
                // Commands kept coming for MaxBulkWait: the poll's samples go now.
            }
        }
        catch
        {
            _bulk.Release();
            throw;
        }

        return new Scope(() => _bulk.Release());
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
