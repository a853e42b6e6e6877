using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Judgement;
using ShipRoom.Core.Plans;
using ShipRoom.Core.Rollouts;
using ShipRoom.Web.Live;
using ShipRoom.Infrastructure.Rollouts.Snapshots;

namespace ShipRoom.Web.Tests.Components;

/// <summary>bUnit with MudBlazor's services, loose JS interop, and snapshots made to order.</summary>
public abstract class ComponentTestContext : BunitContext, IAsyncLifetime
{
    protected static readonly DateTimeOffset Now = TestSnapshots.Now;

    protected ComponentTestContext()
    {
        Services.AddMudServices();
        Services.AddScoped<ViewerClock>();
        Services.AddCircuitConnections();
        Services.AddSingleton(TimeProvider.System);
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    public virtual ValueTask InitializeAsync() => ValueTask.CompletedTask;

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        await base.DisposeAsync();
        await DisposeServicesAsync();
    }

    /// <summary>Releases what a derived context started (a database) after the renderer is gone.</summary>
    protected virtual ValueTask DisposeServicesAsync() => ValueTask.CompletedTask;

    protected static GateVerdict Gate(string key, GateStatus status, double? canary, double? control = null, string limit = "<= 130 ms", int green = 15, int noData = 0) =>
        TestSnapshots.Gate(key, status, canary, control, limit, green, noData);

    protected static RolloutVerdict Verdict(params GateVerdict[] gates) => TestSnapshots.Verdict(gates);

    protected static RolloutSnapshot Snapshot(RolloutVerdict? verdict, bool stale = false, IReadOnlyList<PanelSnapshot>? panels = null) =>
        TestSnapshots.Snapshot(verdict, stale, panels);
}
