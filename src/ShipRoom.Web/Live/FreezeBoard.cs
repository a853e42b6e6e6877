using ShipRoom.Infrastructure.Freezes;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Web.Live;

/// <summary>
/// The locks and freezes every page's banner shows, held once per instance: read from storage at start-up and again
/// only when a rollout's status changes (seen in the snapshot store, which hears other instances too), never per
/// viewer. Every <see cref="TickInterval"/> it tells the banners to redraw their countdowns, without a query.
/// </summary>
public sealed class FreezeBoard(FreezeService freezes, RolloutSnapshotStore store, TimeProvider time, ILogger<FreezeBoard> logger) : BackgroundService
{
    public static readonly TimeSpan TickInterval = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _wake = new(0, 1);
    private volatile FreezeState _state = FreezeState.Empty;

    /// <summary>Raised after a refresh and on every tick while a window is open.</summary>
    public event Action? Changed;

    public FreezeState State => _state;

    /// <summary>The windows open now, for the banner and the start dialog.</summary>
    public IReadOnlyList<FreezeRecord> Active => _state.ActiveAt(time.GetUtcNow());

    /// <summary>Asks for a fresh read from storage (coalesced: many requests while one runs are one more read).</summary>
    public void RequestRefresh()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // A refresh is already asked for.
        }
    }

    /// <summary>Reads now and waits for it (tests, and the API after it synced anyway).</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        _state = await freezes.SyncAsync(cancellationToken);
        Changed?.Invoke();
    }

    /// <summary>Takes a state already read (the API reads it for its answer): the banner need not read again.</summary>
    public void Accept(FreezeState state)
    {
        if (state.At >= _state.At)
        {
            _state = state;
            Changed?.Invoke();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = store.Subscribe(null, () =>
        {
            var known = _state.Statuses;
            if (store.All.Any(s => !known.TryGetValue(s.Id, out var status) || status != s.Status))
            {
                RequestRefresh();
            }

            return Task.CompletedTask;
        }, exception => logger.LogWarning(exception, "Watching rollout statuses for freezes failed"));
        RequestRefresh();
        while (!stoppingToken.IsCancellationRequested)
        {
            var woken = await _wake.WaitAsync(TickInterval, stoppingToken);
            if (!woken)
            {
                if (_state.Windows.Count > 0)
                {
                    Changed?.Invoke();
                }

                continue;
            }

            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Storage down: the banner keeps what it knew; the next status change asks again.
                logger.LogWarning(exception, "Reading locks and freezes failed");
            }
        }
    }
}
