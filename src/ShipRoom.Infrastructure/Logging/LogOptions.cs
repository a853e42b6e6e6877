using Microsoft.Extensions.Options;
using ShipRoom.Infrastructure.Configuration;

namespace ShipRoom.Infrastructure.Logging;

/// <summary>ShipRoom:Logging: the console format. Both are scrubbed and redacted the same way.</summary>
public sealed class LogOptions
{
    public const string Text = "text";
    public const string Json = "json";

    /// <summary>text (one line per entry, for people) or json (one object per line, for log collectors).</summary>
    public string Format { get; set; } = Text;

    public bool IsJson => string.Equals(Format, Json, StringComparison.OrdinalIgnoreCase);
}

public sealed class LogOptionsValidator : IValidateOptions<LogOptions>
{
    public ValidateOptionsResult Validate(string? name, LogOptions options) =>
        options.IsJson || string.Equals(options.Format, LogOptions.Text, StringComparison.OrdinalIgnoreCase)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{ConfigurationKeys.LogFormat} must be text or json, was '{options.Format}'.");
}
