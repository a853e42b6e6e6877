using Microsoft.JSInterop;

namespace ShipRoom.Web.Live;

/// <summary>The viewer's time zone (asked of the browser once per circuit), for showing times in UTC and local time.</summary>
public sealed class ViewerClock(IJSRuntime js)
{
    /// <summary>Formatted times kept per viewer: enough for every time a dashboard shows, bounded for a long session.</summary>
    private const int FormattedKept = 512;

    // A dashboard formats the same few times at every update (each gate's "since"): converting them to the viewer's
    // zone was most of the gate board's own CPU in a profile of 20 open dashboards. One circuit, one thread.
    private readonly Dictionary<(DateTimeOffset Time, bool Long), string> _formatted = [];
    private TimeZoneInfo? _zone;

    public bool Known => _zone is not null;

    public async Task LoadAsync()
    {
        if (_zone is not null)
        {
            return;
        }

        try
        {
            await using var module = await js.InvokeAsync<IJSObjectReference>("import", "./js/viewer-time.js");
            var id = await module.InvokeAsync<string?>("timeZone");
            // A browser that names no zone (Intl without time zone data) is shown UTC rather than ending the circuit.
            Use(id is not null && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc);
        }
        catch (Exception exception) when (exception is JSException or JSDisconnectedException or InvalidOperationException or TaskCanceledException)
        {
            Use(TimeZoneInfo.Utc);
        }
    }

    // In one step, before the module's disposal yields: a render in between must not see the zone known and the
    // times formatted without it.
    private void Use(TimeZoneInfo zone)
    {
        _zone = zone;
        _formatted.Clear();
    }

    public string Short(DateTimeOffset time) => Remembered(time, @long: false);

    private string Remembered(DateTimeOffset time, bool @long)
    {
        if (_formatted.TryGetValue((time, @long), out var text))
        {
            return text;
        }

        if (_formatted.Count >= FormattedKept)
        {
            _formatted.Clear();
        }

        return _formatted[(time, @long)] = @long ? FormatDescribed(time) : FormatShort(time);
    }

    private string FormatShort(DateTimeOffset time)
    {
        var utc = time.UtcDateTime.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture) + " UTC";
        if (_zone is null || _zone == TimeZoneInfo.Utc || _zone.Id is "UTC" or "Etc/UTC")
        {
            return utc;
        }

        var local = TimeZoneInfo.ConvertTime(time, _zone);
        return $"{utc} ({local:HH:mm} local)";
    }

    /// <summary>With the day, for lists read later (audit, checklists): "25 Nov 14:00 UTC (15:00 local)".</summary>
    public string Dated(DateTimeOffset time)
    {
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        var utc = time.UtcDateTime.ToString("d MMM HH:mm", culture) + " UTC";
        if (_zone is null || _zone == TimeZoneInfo.Utc || _zone.Id is "UTC" or "Etc/UTC")
        {
            return utc;
        }

        var local = TimeZoneInfo.ConvertTime(time, _zone);
        return local.Date == time.UtcDateTime.Date ? $"{utc} ({local.ToString("HH:mm", culture)} local)" : $"{utc} ({local.ToString("d MMM HH:mm", culture)} local)";
    }

    public string Describe(DateTimeOffset time) => Remembered(time, @long: true);

    private string FormatDescribed(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + " UTC" +
        (_zone is null || _zone == TimeZoneInfo.Utc ? "" : $" — {TimeZoneInfo.ConvertTime(time, _zone):yyyy-MM-dd HH:mm:ss} {_zone.Id}");
}
