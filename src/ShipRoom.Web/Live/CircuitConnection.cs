using Microsoft.AspNetCore.Components.Server.Circuits;
using ShipRoom.Web.Telemetry;

namespace ShipRoom.Web.Live;

/// <summary>
/// Whether the browser of this circuit is connected. When the connection drops (a laptop asleep, a network gone) the
/// server keeps the circuit for minutes in case it comes back; a dashboard that went on rendering every live update
/// meanwhile piled up render batches and chart calls nobody could receive (20 such dashboards held 480 chart calls and
/// 5 MB of render trees after 80 s; docs/benchmarks.md, eleventh round). The pages skip updates while it is down and
/// render the newest snapshot once when it is back. It also reports its circuit to <see cref="OpenCircuits"/>.
/// </summary>
public sealed class CircuitConnection(OpenCircuits circuits) : CircuitHandler
{
    private readonly Lock _sync = new();
    private readonly List<Action> _restored = [];
    private volatile bool _up = true;

    // Whether this circuit is counted in OpenCircuits, and as what: changed only under _sync, so a close that races a
    // connection's drop or return leaves the counts whole.
    private CircuitState _counted = CircuitState.NotOpen;

    private enum CircuitState { NotOpen, Connected, Disconnected, Closed }

    public bool IsUp => _up;

    /// <summary>Calls <paramref name="callback"/> each time the connection comes back, until the result is disposed.</summary>
    public IDisposable OnRestored(Action callback)
    {
        lock (_sync)
        {
            _restored.Add(callback);
        }

        return new Subscription(() =>
        {
            lock (_sync)
            {
                _restored.Remove(callback);
            }
        });
    }

    public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        Opened();
        return Task.CompletedTask;
    }

    public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        Closed();
        return Task.CompletedTask;
    }

    public override Task OnConnectionDownAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        Down();
        return Task.CompletedTask;
    }

    public override Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        Up();
        return Task.CompletedTask;
    }

    internal void Opened()
    {
        lock (_sync)
        {
            if (_counted == CircuitState.NotOpen)
            {
                _counted = CircuitState.Connected;
                circuits.Opened();
            }
        }
    }

    internal void Closed()
    {
        lock (_sync)
        {
            if (_counted is CircuitState.Connected or CircuitState.Disconnected)
            {
                circuits.Closed(wasConnected: _counted == CircuitState.Connected);
            }

            _counted = CircuitState.Closed;
        }
    }

    internal void Down()
    {
        _up = false;
        lock (_sync)
        {
            if (_counted == CircuitState.Connected)
            {
                _counted = CircuitState.Disconnected;
                circuits.WentDown();
            }
        }
    }

    internal void Up()
    {
        _up = true;
        Action[] callbacks;
        lock (_sync)
        {
            if (_counted == CircuitState.Disconnected)
            {
                _counted = CircuitState.Connected;
                circuits.CameBack();
            }

            callbacks = [.. _restored];
        }

        foreach (var callback in callbacks)
        {
            callback();
        }
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private Action? _dispose = dispose;

        public void Dispose() => Interlocked.Exchange(ref _dispose, null)?.Invoke();
    }
}
