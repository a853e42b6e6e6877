using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace ShipRoom.Infrastructure.Logging;

public static class LoggingBuilderExtensions
{
    /// <summary>Replaces the default providers with the scrubbing console format: the only sink ShipRoom writes to.</summary>
    public static ILoggingBuilder AddShipRoomConsole(this ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.AddConsole(options => options.FormatterName = ScrubbingConsoleFormatter.FormatterName);
        logging.AddConsoleFormatter<ScrubbingConsoleFormatter, ConsoleFormatterOptions>();
        return logging;
    }
}
