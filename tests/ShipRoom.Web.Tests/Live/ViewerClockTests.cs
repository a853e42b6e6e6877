using Bunit;
using ShipRoom.Web.Live;

namespace ShipRoom.Web.Tests.Live;

/// <summary>Times in UTC and the viewer's zone; each formatted once per viewer and formatted again once the zone is known.</summary>
public sealed class ViewerClockTests : BunitContext
{
    private static readonly DateTimeOffset Since = new(2026, 12, 6, 14, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_time_formatted_before_the_zone_was_known_is_formatted_again_in_it_afterwards()
    {
        JSInterop.SetupModule("./js/viewer-time.js").Setup<string?>("timeZone").SetResult("Europe/Berlin");
        var clock = new ViewerClock(JSInterop.JSRuntime);

        var before = (clock.Short(Since), clock.Describe(Since), clock.Short(Since));
        await clock.LoadAsync();

        Assert.Equal(("14:00 UTC", "2026-12-06 14:00:00 UTC", "14:00 UTC"), before);
        Assert.Equal("14:00 UTC (15:00 local)", clock.Short(Since));
        Assert.Equal("2026-12-06 14:00:00 UTC — 2026-12-06 15:00:00 Europe/Berlin", clock.Describe(Since));
        Assert.Equal("14:00 UTC (15:00 local)", clock.Short(Since.ToOffset(TimeSpan.FromHours(-8))));
    }

    [Fact]
    public async Task A_long_session_showing_many_times_still_formats_each_right()
    {
        JSInterop.SetupModule("./js/viewer-time.js").Setup<string?>("timeZone").SetResult("Asia/Kolkata");
        var clock = new ViewerClock(JSInterop.JSRuntime);
        await clock.LoadAsync();

        for (var minute = 0; minute < 2_000; minute++)
        {
            var time = Since.AddMinutes(minute);
            var local = time.AddHours(5.5);
            Assert.Equal($"{time.UtcDateTime:HH:mm} UTC ({local.UtcDateTime:HH:mm} local)", clock.Short(time));
        }

        Assert.Equal("14:00 UTC (19:30 local)", clock.Short(Since));
    }
}
