using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace ShipRoom.Web.Telemetry;

/// <summary>
/// Listens to the ShipRoom meter and writes the Prometheus text exposition format (0.0.4).
/// Counters are summed, gauges report their last observation, histograms report count and sum.
/// </summary>
public sealed class PrometheusTextExporter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<SeriesKey, double> _sums = new();
    private readonly ConcurrentDictionary<SeriesKey, double> _lastValues = new();
    private readonly ConcurrentDictionary<SeriesKey, long> _histogramCounts = new();
    private readonly ConcurrentDictionary<string, Instrument> _instruments = new();

    public PrometheusTextExporter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ShipRoomMetrics.MeterName)
            {
                _instruments[instrument.Name] = instrument;
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    public string Render()
    {
        _listener.RecordObservableInstruments();
        var text = new StringBuilder();
        foreach (var instrument in _instruments.Values.OrderBy(i => i.Name, StringComparer.Ordinal))
        {
            var type = instrument switch
            {
                Counter<long> or Counter<int> or Counter<double> or ObservableCounter<long> or ObservableCounter<double> => "counter",
                Histogram<long> or Histogram<double> or Histogram<int> => "summary",
                _ => "gauge",
            };
            if (!string.IsNullOrEmpty(instrument.Description))
            {
                text.Append("# HELP ").Append(instrument.Name).Append(' ').Append(instrument.Description).Append('\n');
            }

            text.Append("# TYPE ").Append(instrument.Name).Append(' ').Append(type).Append('\n');
            switch (type)
            {
                case "counter":
                    AppendSeries(text, instrument.Name, "", _sums);
                    break;
                case "summary":
                    AppendSeries(text, instrument.Name, "_sum", _sums);
                    foreach (var (key, count) in _histogramCounts.Where(p => p.Key.Instrument == instrument.Name).OrderBy(p => p.Key.Labels, StringComparer.Ordinal))
                    {
                        text.Append(instrument.Name).Append("_count").Append(key.Labels).Append(' ').Append(count.ToString(CultureInfo.InvariantCulture)).Append('\n');
                    }

                    break;
                default:
                    AppendSeries(text, instrument.Name, "", _lastValues);
                    break;
            }
        }

        return text.ToString();
    }

    public void Dispose() => _listener.Dispose();

    private static void AppendSeries(StringBuilder text, string name, string suffix, ConcurrentDictionary<SeriesKey, double> values)
    {
        foreach (var (key, value) in values.Where(p => p.Key.Instrument == name).OrderBy(p => p.Key.Labels, StringComparer.Ordinal))
        {
            text.Append(name).Append(suffix).Append(key.Labels).Append(' ').Append(FormatValue(value)).Append('\n');
        }
    }

    private static string FormatValue(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var key = new SeriesKey(instrument.Name, FormatLabels(tags));
        switch (instrument)
        {
            case Histogram<long> or Histogram<double> or Histogram<int>:
                _sums.AddOrUpdate(key, value, (_, sum) => sum + value);
                _histogramCounts.AddOrUpdate(key, 1, (_, count) => count + 1);
                break;
            case Counter<long> or Counter<int> or Counter<double>:
                _sums.AddOrUpdate(key, value, (_, sum) => sum + value);
                break;
            case ObservableCounter<long> or ObservableCounter<double>:
                _sums[key] = value;
                break;
            default:
                _lastValues[key] = value;
                break;
        }
    }

    private static string FormatLabels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0)
        {
            return "";
        }

        var pairs = new List<KeyValuePair<string, object?>>(tags.ToArray());
        pairs.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        var text = new StringBuilder("{");
        for (var i = 0; i < pairs.Count; i++)
        {
            if (i > 0)
            {
                text.Append(',');
            }

            var value = Convert.ToString(pairs[i].Value, CultureInfo.InvariantCulture) ?? "";
            text.Append(pairs[i].Key).Append("=\"")
                .Append(value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal))
                .Append('"');
        }

        return text.Append('}').ToString();
    }

    private readonly record struct SeriesKey(string Instrument, string Labels);
}
