using System.Diagnostics.Metrics;
using ShipRoom.Web.Telemetry;

namespace ShipRoom.Web.Tests.Telemetry;

public sealed class PrometheusTextExporterTests
{
    [Fact]
    public void Counters_sum_per_label_set_and_gauges_keep_the_last_value()
    {
        using var exporter = new PrometheusTextExporter();
        using var meter = new Meter(ShipRoomMetrics.MeterName);
        var counter = meter.CreateCounter<long>("test_counter_total", description: "A counter.");
        var gauge = 41.5;
        meter.CreateObservableGauge("test_gauge", () => gauge);
        var histogram = meter.CreateHistogram<double>("test_duration_seconds");

        counter.Add(2, new KeyValuePair<string, object?>("outcome", "ok"));
        counter.Add(3, new KeyValuePair<string, object?>("outcome", "ok"));
        counter.Add(1, new KeyValuePair<string, object?>("outcome", "say \"no\""));
        histogram.Record(0.5);
        histogram.Record(1.25);
        gauge = 42.5;

        var text = exporter.Render();

        Assert.Contains("# HELP test_counter_total A counter.\n# TYPE test_counter_total counter\n", text);
        Assert.Contains("test_counter_total{outcome=\"ok\"} 5\n", text);
        Assert.Contains("test_counter_total{outcome=\"say \\\"no\\\"\"} 1\n", text);
        Assert.Contains("test_gauge 42.5\n", text);
        Assert.Contains("test_duration_seconds_sum 1.75\n", text);
        Assert.Contains("test_duration_seconds_count 2\n", text);
    }

    [Fact]
    public void Instruments_of_other_meters_are_not_exported()
    {
        using var exporter = new PrometheusTextExporter();
        using var meter = new Meter("SomethingElse");
        meter.CreateCounter<long>("foreign_total").Add(1);

        Assert.DoesNotContain("foreign_total", exporter.Render());
    }
}
