using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace ShipRoom.Web.Tests.Hosting;

/// <summary>
/// Every open page is a circuit, and on pages with MainLayout (the dashboard among them) each circuit's MudBlazor popover
/// service runs a periodic timer, popover or not. At MudBlazor's default (0.5 s) that was two wake-ups a second per open
/// dashboard: the composition lengthens it (docs/benchmarks.md, nineteenth round). This checks the setting the circuit's
/// service is built with; the bench measures what it saves.
/// </summary>
public sealed class CircuitTimerTests : IAsyncLifetime
{
    private readonly ShipRoomAppFactory _factory = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _factory.DisposeAsync();

    [Fact]
    public async Task A_circuits_popover_service_ticks_every_five_seconds_not_twice_a_second()
    {
        // The popover service is a circuit's (scoped): the scope stands in for one.
        await using var circuit = _factory.Services.CreateAsyncScope();
        var popovers = circuit.ServiceProvider.GetRequiredService<IPopoverService>();

        Assert.Equal(TimeSpan.FromSeconds(5), popovers.PopoverOptions.QueueDelay);
    }
}
