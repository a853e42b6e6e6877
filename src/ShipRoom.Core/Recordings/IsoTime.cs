using System.Globalization;

namespace ShipRoom.Core.Recordings;

/// <summary>Times in files and on the command line: ISO 8601, and a time without an offset is UTC, never the machine's zone.</summary>
public static class IsoTime
{
    public const string Example = "2026-11-25T12:00:00Z";

    public static bool TryParse(string text, out DateTimeOffset time) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);
}
