using Microsoft.Extensions.Compliance.Redaction;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using ShipRoom.Infrastructure.Configuration;

namespace ShipRoom.Infrastructure.Logging;

public static class LoggingBuilderExtensions
{
    /// <summary>
    /// The console, the only sink ShipRoom writes to: as text or JSON (ShipRoom:Logging:Format), values classified as
    /// <see cref="PersonalDataAttribute"/> redacted by the logging pipeline, and every line scrubbed by the formatter.
    /// </summary>
    public static ILoggingBuilder AddShipRoomConsole(this ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.AddConsole();
        logging.AddConsoleFormatter<ScrubbingConsoleFormatter, ConsoleFormatterOptions>();
        logging.AddConsoleFormatter<ScrubbingJsonConsoleFormatter, ConsoleFormatterOptions>();
        logging.Services.AddSingleton<IValidateOptions<LogOptions>, LogOptionsValidator>();
        logging.Services.AddOptions<LogOptions>().BindConfiguration(ConfigurationKeys.LoggingSection).ValidateOnStart();
        // Chosen from the unvalidated value: the console must work to report a wrong format (and anything else).
        logging.Services.AddOptions<ConsoleLoggerOptions>().Configure<Microsoft.Extensions.Configuration.IConfiguration>((console, configuration) =>
            console.FormatterName = new LogOptions { Format = configuration[ConfigurationKeys.LogFormat] ?? LogOptions.Text }.IsJson
                ? ScrubbingJsonConsoleFormatter.FormatterName
                : ScrubbingConsoleFormatter.FormatterName);
        logging.EnableRedaction();
        logging.Services.AddRedaction(redaction => redaction.SetRedactor<PersonalDataRedactor>(PersonalDataAttribute.PersonalData));
        return logging;
    }
}
