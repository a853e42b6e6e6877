using System.Data.Common;

namespace ShipRoom.Infrastructure.Storage;

/// <summary>
/// One connection for a run of storage calls made one after another, instead of one per call: a poll's claim, samples,
/// record, judgement and snapshot reads go through about fifteen repository calls, and each opened its own connection
/// (19 opens per steady poll, PollCostTests). Begun with <see cref="Begin"/>, it flows with the async calls below it.
/// A connection is lent to one caller at a time: a caller that asks while it is lent (a nested call, or work started
/// in the background that inherited the scope) gets a connection of its own, so two callers never share one at the
/// same moment. Once the scope has ended, callers that still hold it open their own connections too.
/// </summary>
public sealed class SharedConnectionScope : IAsyncDisposable
{
    private static readonly AsyncLocal<SharedConnectionScope?> Ambient = new();

    private readonly Lock _sync = new();
    private readonly Dictionary<IDbConnectionFactory, Slot> _slots = new(ReferenceEqualityComparer.Instance);
    private readonly SharedConnectionScope? _outer;
    private bool _ended;

    private SharedConnectionScope(SharedConnectionScope? outer) => _outer = outer;

    /// <summary>The scope the calls running here share, if any.</summary>
    internal static SharedConnectionScope? Current => Ambient.Value;

    /// <summary>
    /// Starts sharing a connection for the calls that follow in this flow, until the scope is disposed. Synchronous on
    /// purpose: the scope is set in the caller's own flow, not in a callee's.
    /// </summary>
    public static SharedConnectionScope Begin()
    {
        var scope = new SharedConnectionScope(Ambient.Value);
        Ambient.Value = scope;
        return scope;
    }

    /// <summary>
    /// Steps out of the scope for a call that waits on something outside the database (a metric source, the deploy
    /// system: seconds): the scope's idle connection goes back to the pool instead of being held through the wait, and
    /// the calls under the suspension open their own. Disposing the result steps back in; the next call opens afresh.
    /// Synchronous on purpose, as <see cref="Begin"/>.
    /// </summary>
    public static IDisposable Suspend()
    {
        if (Ambient.Value is not { } scope)
        {
            return NoSuspension.Instance;
        }

        scope.CloseIdle();
        Ambient.Value = null;
        return new Suspension(scope);
    }

    /// <summary>Connections opened for this scope (for tests and diagnostics).</summary>
    public int Opened { get; private set; }

    /// <summary>
    /// Lends this scope's connection to <paramref name="factory"/> (opened on the first call), or returns null when it is
    /// lent already or the scope has ended: the caller then opens its own.
    /// </summary>
    internal async Task<DbConnection?> TryLendAsync(IDbConnectionFactory factory, CancellationToken cancellationToken)
    {
        Slot slot;
        lock (_sync)
        {
            if (_ended)
            {
                return null;
            }

            if (!_slots.TryGetValue(factory, out slot!))
            {
                slot = new Slot();
                _slots.Add(factory, slot);
            }

            if (slot.Lent)
            {
                return null;
            }

            slot.Lent = true;
        }

        if (slot.Connection is null)
        {
            try
            {
                slot.Connection = await factory.OpenAsync(cancellationToken);
                lock (_sync)
                {
                    Opened++;
                }
            }
            catch
            {
                lock (_sync)
                {
                    slot.Lent = false;
                }

                throw;
            }
        }

        return new LentConnection(slot.Connection, clean => Return(slot, clean));
    }

    private async ValueTask Return(Slot slot, bool clean)
    {
        DbConnection? close = null;
        lock (_sync)
        {
            slot.Lent = false;
            // Not lent again: one given back after the scope ended, one the caller broke, or one with a transaction
            // still open (the next caller's statements would silently join it); closing it rolls that back.
            if (_ended || !clean || slot.Connection?.State != System.Data.ConnectionState.Open)
            {
                close = slot.Connection;
                slot.Connection = null;
            }
        }

        if (close is not null)
        {
            await CloseQuietlyAsync(close);
        }
    }

    /// <summary>Gives the idle connections back to the pool; the scope opens again on its next call.</summary>
    private void CloseIdle()
    {
        List<DbConnection> idle;
        lock (_sync)
        {
            idle = TakeIdle();
        }

        foreach (var connection in idle)
        {
            // Back to the engine's pool: no I/O on either engine, so a synchronous close does not block.
            try
            {
                connection.Dispose();
            }
            catch (Exception exception) when (exception is DbException or InvalidOperationException)
            {
                // A connection that fails to close is one the pool discards; the scope opens a new one.
            }
        }
    }

    /// <summary>Ends the scope in this flow and closes its connections; one still lent is closed when it comes back.</summary>
    public ValueTask DisposeAsync()
    {
        if (ReferenceEquals(Ambient.Value, this))
        {
            Ambient.Value = _outer;
        }

        List<DbConnection> close;
        lock (_sync)
        {
            if (_ended)
            {
                return ValueTask.CompletedTask;
            }

            _ended = true;
            close = TakeIdle();
        }

        return close.Count == 0 ? ValueTask.CompletedTask : CloseAllAsync(close);
    }

    /// <summary>Takes the connections no caller holds out of their slots (under the lock); a lent one stays with its caller.</summary>
    private List<DbConnection> TakeIdle()
    {
        List<DbConnection> idle = [];
        foreach (var slot in _slots.Values.Where(s => !s.Lent && s.Connection is not null))
        {
            idle.Add(slot.Connection!);
            slot.Connection = null;
        }

        return idle;
    }

    private static async ValueTask CloseAllAsync(List<DbConnection> connections)
    {
        foreach (var connection in connections)
        {
            await CloseQuietlyAsync(connection);
        }
    }

    // A failure to close (a connection the engine already dropped) must not hide the caller's own outcome or leave the
    // scope's other connections open: the pool discards such a connection.
    private static async ValueTask CloseQuietlyAsync(DbConnection connection)
    {
        try
        {
            await connection.DisposeAsync();
        }
        catch (Exception exception) when (exception is DbException or InvalidOperationException)
        {
        }
    }

    private sealed class Suspension(SharedConnectionScope scope) : IDisposable
    {
        public void Dispose() => Ambient.Value = scope;
    }

    private sealed class NoSuspension : IDisposable
    {
        public static readonly NoSuspension Instance = new();

        public void Dispose()
        {
        }
    }

    private sealed class Slot
    {
        public DbConnection? Connection { get; set; }

        public bool Lent { get; set; }
    }
}
