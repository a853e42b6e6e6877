namespace ShipRoom.Infrastructure.Storage;

/// <summary>Times are stored as unix milliseconds in both engines so they round-trip exactly.</summary>
internal static class UnixTime
{
    public static long ToMs(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    public static long? ToMs(DateTimeOffset? time) => time?.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    /// <summary>The time as storage will give it back: a value kept in memory until it is written shows the same.</summary>
    public static DateTimeOffset AsStored(DateTimeOffset time) => FromMs(ToMs(time));

    public static DateTimeOffset? FromMs(long? ms) => ms is { } value ? DateTimeOffset.FromUnixTimeMilliseconds(value) : null;
}
