using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ShipRoom.Web.Telemetry;

/// <summary>ShipRoom's own instruments. Everything on the "ShipRoom" meter is exposed at /metrics.</summary>
public sealed class ShipRoomMetrics : IDisposable
{
    public const string MeterName = "ShipRoom";

    private readonly Meter _meter;
    private readonly long _startedAt = Stopwatch.GetTimestamp();

    public ShipRoomMetrics(IMeterFactory meterFactory, OpenCircuits circuits, Infrastructure.Storage.StorageCounters storage)
    {
        _meter = meterFactory.Create(MeterName);
        SignIns = _meter.CreateCounter<long>("shiproom_sign_ins_total", description: "Sign-in attempts by outcome.");
        HttpRequests = _meter.CreateCounter<long>("shiproom_http_requests_total", description: "HTTP requests answered, by status class.");
        _meter.CreateObservableGauge("shiproom_uptime_seconds", () => Stopwatch.GetElapsedTime(_startedAt).TotalSeconds, description: "Seconds since this instance started.");
        _meter.CreateObservableGauge("shiproom_managed_memory_bytes", () => GC.GetTotalMemory(forceFullCollection: false), description: "Managed heap in use.");
        _meter.CreateObservableGauge("shiproom_circuits", () => new[]
        {
            new Measurement<long>(circuits.Connected, new KeyValuePair<string, object?>("state", "connected")),
            new Measurement<long>(circuits.Disconnected, new KeyValuePair<string, object?>("state", "disconnected")),
        }, description: "Browser circuits (open dashboards and other pages) this instance holds: connected, or kept while their browser is away.");
        _meter.CreateObservableCounter("shiproom_storage_connections_opened_total", () => storage.ConnectionsOpened,
            description: "Database connections opened by this instance (a connection shared by a poll's calls counts once).");
        _meter.CreateObservableCounter("shiproom_storage_statements_total", () => new[]
        {
            new Measurement<long>(storage.SampleWrites, new KeyValuePair<string, object?>("kind", "sample_write")),
            new Measurement<long>(storage.Statements, new KeyValuePair<string, object?>("kind", "other")),
        }, description: "SQL statements SQLite ran, the sample writes apart; 0 unless ShipRoom:Storage:CountStatements is on.");
    }

    public Counter<long> SignIns { get; }

    public Counter<long> HttpRequests { get; }

    /// <summary>Lets other areas (polling, commands) add instruments to the same meter.</summary>
    public Meter Meter => _meter;

    public void Dispose() => _meter.Dispose();
}
