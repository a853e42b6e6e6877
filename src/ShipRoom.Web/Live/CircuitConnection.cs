using Microsoft.AspNetCore.Components.Server.Circuits;

namespace ShipRoom.Web.Live;

/// <summary>
/// Whether the browser of this circuit is connected. When the connection drops (a laptop asleep, a network gone) the
/// server keeps the circuit for minutes in case it comes back; a dashboard that went on rendering every live update
/// meanwhile piled up render batches and chart calls nobody could receive (20 such dashboards held 480 chart calls and
/// 5 MB of render trees after 80 s; docs/benchmarks.md, eleventh round). The pages skip updates while it is down and
/// render the newest snapshot once when it is back.
/// </summary>
public sealed class CircuitConnection : CircuitHandler
{
    private readonly Lock _sync = new();
    private readonly List<Action> _restored = [];
    private volatile bool _up = true;

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

    internal void Down() => _up = false;

    internal void Up()
    {
        _up = true;
        Action[] callbacks;
        lock (_sync)
        {
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
