using ShipRoom.Web.Live;
using ShipRoom.Web.Telemetry;

namespace ShipRoom.Web.Tests.Live;

/// <summary>What /metrics says of circuits follows what Blazor tells each circuit's handler, in whatever order it comes.</summary>
public sealed class OpenCircuitsTests
{
    [Fact]
    public void Circuits_are_counted_as_connected_or_away_and_a_closed_one_is_counted_out_once()
    {
        var circuits = new OpenCircuits();
        var first = new CircuitConnection(circuits);
        var second = new CircuitConnection(circuits);

        first.Opened();
        first.Up();
        second.Opened();
        second.Up();
        Assert.Equal((2, 0), (circuits.Connected, circuits.Disconnected));

        first.Down();
        first.Down();
        Assert.Equal((1, 1), (circuits.Connected, circuits.Disconnected));

        first.Up();
        Assert.Equal((2, 0), (circuits.Connected, circuits.Disconnected));

        // Closed while its browser is away (ASP.NET gave up waiting), then told twice.
        second.Down();
        second.Closed();
        second.Closed();
        second.Up();
        Assert.Equal((1, 0), (circuits.Connected, circuits.Disconnected));

        first.Closed();
        Assert.Equal((0, 0), (circuits.Connected, circuits.Disconnected));
    }

    [Fact]
    public void A_connection_that_never_opened_a_circuit_is_not_counted()
    {
        var circuits = new OpenCircuits();
        var connection = new CircuitConnection(circuits);

        connection.Down();
        connection.Up();
        connection.Closed();

        Assert.Equal((0, 0), (circuits.Connected, circuits.Disconnected));
    }
}
