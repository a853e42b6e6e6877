using Microsoft.AspNetCore.Components;
using ShipRoom.Web.Live;
using ShipRoom.Infrastructure.Rollouts.Snapshots;

namespace ShipRoom.Web.Live;

/// <summary>
/// A page that shows one rollout: it reads the shared snapshot, subscribes for changes (coalesced), re-renders through
/// InvokeAsync, re-subscribes when the rollout id changes, and unsubscribes when it goes away. It never queries per render.
/// </summary>
public abstract class RolloutComponentBase : ComponentBase, IDisposable
{
    private IDisposable? _subscription;
    private IDisposable? _reconnection;
    private long _subscribedTo;
    private bool _missed;

    [Parameter]
    public long Id { get; set; }

    [Inject]
    protected RolloutSnapshotStore Store { get; set; } = default!;

    [Inject]
    protected RolloutSnapshotReader Reader { get; set; } = default!;

    [Inject]
    protected ViewerClock Clock { get; set; } = default!;

    [Inject]
    private CircuitConnection Connection { get; set; } = default!;

    protected RolloutSnapshot? Snapshot { get; private set; }

    protected bool NotFound { get; private set; }

    protected override async Task OnParametersSetAsync()
    {
        if (_subscribedTo != Id)
        {
            _subscription?.Dispose();
            _subscribedTo = Id;
            _subscription = Store.Subscribe(Id, OnSnapshotChangedAsync, exception => _ = DispatchExceptionAsync(exception));
            _reconnection ??= Connection.OnRestored(() =>
            {
                if (_missed)
                {
                    _ = CatchUpAsync();
                }
            });
        }

        Snapshot = await Reader.GetAsync(Id, CancellationToken.None);
        NotFound = Snapshot is null;
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender && RendererInfo.IsInteractive && !Clock.Known)
        {
            await Clock.LoadAsync();
            StateHasChanged();
        }
    }

    // Nobody can receive a render while the browser is away (CircuitConnection): the newest snapshot is rendered once
    // when it is back. Checked on the renderer's thread, where the connection's handlers run too, so an update and the
    // connection's return cannot interleave.
    private Task OnSnapshotChangedAsync() => InvokeAsync(() =>
    {
        if (!Connection.IsUp)
        {
            _missed = true;
            return;
        }

        _missed = false;
        Snapshot = Store.Get(Id) ?? Snapshot;
        OnSnapshotChanged();
        StateHasChanged();
    });

    private async Task CatchUpAsync()
    {
        try
        {
            await OnSnapshotChangedAsync();
        }
        catch (Exception exception)
        {
            await DispatchExceptionAsync(exception);
        }
    }

    /// <summary>Called on the renderer's thread before re-rendering with a new snapshot.</summary>
    protected virtual void OnSnapshotChanged()
    {
    }

    public virtual void Dispose()
    {
        _subscription?.Dispose();
        _reconnection?.Dispose();
        GC.SuppressFinalize(this);
    }
}
