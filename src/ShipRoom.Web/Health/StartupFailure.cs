using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace ShipRoom.Web.Health;

/// <summary>Turns the exceptions a misconfigured start-up throws into one line per problem for the operator.</summary>
public static partial class StartupFailure
{
    public static bool TryDescribe(Exception exception, out IReadOnlyList<string> problems)
    {
        var found = new List<string>();
        Collect(exception, found);
        problems = found;
        return found.Count > 0;
    }

    private static void Collect(Exception exception, List<string> found)
    {
        switch (exception)
        {
            case OptionsValidationException validation:
                found.AddRange(validation.Failures);
                break;
            case StartupException startup:
                found.Add(startup.Message);
                break;
            case AggregateException aggregate:
                foreach (var inner in aggregate.InnerExceptions)
                {
                    Collect(inner, found);
                }

                break;
            case InvalidOperationException when UnreadableSetting().Match(exception.Message) is { Success: true } setting:
                // The binder's own message; the value is left out, as it may be a secret typed into the wrong key.
                found.Add($"{setting.Groups["key"].Value} cannot be read as {Expected(setting.Groups["type"].Value)}.");
                break;
            case { InnerException: { } inner }:
                Collect(inner, found);
                break;
        }
    }

    private static string Expected(string type) => type switch
    {
        "System.TimeSpan" => "a duration: write hh:mm:ss (e.g. 00:15:00) or d.hh:mm:ss",
        "System.Boolean" => "true or false",
        "System.Int32" or "System.Int64" => "a whole number",
        "System.Double" => "a number (e.g. 10 or 2.5)",
        _ => $"a {type}",
    };

    [GeneratedRegex(@"^Failed to convert configuration value (?:'[^']*' )?at '(?<key>[^']+)' to type '(?<type>[^']+)'")]
    private static partial Regex UnreadableSetting();
}
