using System.Data;
using System.Data.Common;

namespace ShipRoom.Infrastructure.Storage;

/// <summary>
/// A <see cref="SharedConnectionScope"/>'s open connection as one caller sees it: everything goes to the real connection,
/// but closing or disposing it gives it back to the scope instead of closing it. Commands and transactions are the real
/// connection's own, so the engine's driver (and Dapper) see no difference.
/// </summary>
internal sealed class LentConnection(DbConnection inner, Func<bool, ValueTask> giveBack) : DbConnection
{
    private int _returned;

    // The latest transaction begun here: given back while it is still open, the connection is not lent again.
    private DbTransaction? _transaction;

    [System.Diagnostics.CodeAnalysis.AllowNull]
    public override string ConnectionString
    {
        get => inner.ConnectionString;
        set => throw new InvalidOperationException("A shared connection's connection string cannot change.");
    }

    public override string Database => inner.Database;

    public override string DataSource => inner.DataSource;

    public override string ServerVersion => inner.ServerVersion;

    public override ConnectionState State => _returned == 0 ? inner.State : ConnectionState.Closed;

    public override void ChangeDatabase(string databaseName) => throw new InvalidOperationException("A shared connection's database cannot change.");

    public override void Open()
    {
        if (State != ConnectionState.Open)
        {
            throw new InvalidOperationException("A shared connection given back cannot be opened again; open a new one.");
        }
    }

    public override Task OpenAsync(CancellationToken cancellationToken)
    {
        Open();
        return Task.CompletedTask;
    }

    public override void Close() => GiveBack().AsTask().GetAwaiter().GetResult();

    public override Task CloseAsync() => GiveBack().AsTask();

    public override async ValueTask DisposeAsync()
    {
        await GiveBack();
        GC.SuppressFinalize(this);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            GiveBack().AsTask().GetAwaiter().GetResult();
        }

        base.Dispose(disposing);
    }

    protected override DbTransaction BeginDbTransaction(IsolationLevel isolationLevel) => _transaction = inner.BeginTransaction(isolationLevel);

    protected override async ValueTask<DbTransaction> BeginDbTransactionAsync(IsolationLevel isolationLevel, CancellationToken cancellationToken) =>
        _transaction = await inner.BeginTransactionAsync(isolationLevel, cancellationToken);

    protected override DbCommand CreateDbCommand() => inner.CreateCommand();

    public override bool CanCreateBatch => inner.CanCreateBatch;

    protected override DbBatch CreateDbBatch() => inner.CreateBatch();

    private ValueTask GiveBack() => Interlocked.Exchange(ref _returned, 1) == 0 ? giveBack(NoTransactionOpen()) : ValueTask.CompletedTask;

    // A disposed transaction (every repository's `await using`) shows as finished on both engines: SQLite's no longer
    // names its connection, Npgsql's refuses to be asked. A committed but undisposed Npgsql one still names it, so its
    // connection is closed rather than lent again: safe, only an open more.
    private bool NoTransactionOpen()
    {
        try
        {
            return _transaction?.Connection is null;
        }
        catch (ObjectDisposedException)
        {
            return true;
        }
    }
}
