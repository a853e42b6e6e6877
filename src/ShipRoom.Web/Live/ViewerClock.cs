using Microsoft.JSInterop;

namespace ShipRoom.Web.Live;

/// <summary>The viewer's time zone (asked of the browser once per circuit), for showing times in UTC and local time.</summary>
public sealed class ViewerClock(IJSRuntime js)
{
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
            _zone = id is not null && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;
        }
        catch (Exception exception) when (exception is JSException or JSDisconnectedException or InvalidOperationException or TaskCanceledException)
        {
            _zone = TimeZoneInfo.Utc;
        }
    }

    public string Short(DateTimeOffset time)
    {
        var utc = time.UtcDateTime.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture) + " UTC";
        if (_zone is null || _zone == TimeZoneInfo.Utc || _zone.Id is "UTC" or "Etc/UTC")
        {
            return utc;
        }

        var local = TimeZoneInfo.ConvertTime(time, _zone);
        return $"{utc} ({local:HH:mm} local)";
    }

    public string Describe(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + " UTC" +
        (_zone is null || _zone == TimeZoneInfo.Utc ? "" : $" — {TimeZoneInfo.ConvertTime(time, _zone):yyyy-MM-dd HH:mm:ss} {_zone.Id}");
}
