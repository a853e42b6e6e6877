using System.CommandLine;
using ShipRoom.Core.Recordings;

namespace ShipRoom.Cli.Commands;

/// <summary>Options several commands share, parsed the same way everywhere.</summary>
internal static class CliOptions
{
    /// <summary>An ISO 8601 time; one without an offset is UTC (never the machine's local zone).</summary>
    public static Option<DateTimeOffset?> Time(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "TIME",
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (IsoTime.TryParse(text, out var time))
            {
                return time;
            }

            result.AddError($"{name} takes an ISO 8601 time, e.g. {IsoTime.Example}; '{text}' is not one");
            return null;
        },
    };

    /// <summary>A file that must exist when the command runs.</summary>
    public static Option<FileInfo> ExistingFile(string name, string description, bool required = false)
    {
        var option = new Option<FileInfo>(name) { Description = description, HelpName = "FILE", Required = required };
        option.AcceptExistingOnly();
        return option;
    }
}
