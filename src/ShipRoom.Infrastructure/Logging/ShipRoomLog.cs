using Microsoft.Extensions.Logging;

namespace ShipRoom.Infrastructure.Logging;

/// <summary>
/// Log messages whose parameters carry personal data, defined here so the extended logging generator (which honours
/// <see cref="PersonalDataAttribute"/>) writes them; the built-in generator would ignore the classification.
/// </summary>
public static partial class ShipRoomLog
{
    [LoggerMessage(LogLevel.Information, "Initial administrator {UserName} created from configuration")]
    public static partial void InitialAdminCreated(ILogger logger, [PersonalData] string userName);
}
