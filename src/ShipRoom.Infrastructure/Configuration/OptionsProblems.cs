using System.Globalization;
using Microsoft.Extensions.Options;

namespace ShipRoom.Infrastructure.Configuration;

/// <summary>
/// Collects every problem of one options section, each naming its full key and how to fix it, so start-up reports
/// them all at once. Values are repeated only where they cannot be secrets (numbers, durations, choices).
/// </summary>
public sealed class OptionsProblems(string section)
{
    private readonly List<string> _problems = [];

    public string Key(string setting) => ConfigurationKeys.Key(section, setting);

    public void Add(string problem) => _problems.Add(problem);

    public void Range(string setting, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            Add($"{Key(setting)} must be between {min} and {max}, was {value}.");
        }
    }

    public void Range(string setting, double value, double min, double max)
    {
        if (!(value >= min && value <= max))
        {
            Add(string.Create(CultureInfo.InvariantCulture, $"{Key(setting)} must be between {min} and {max}, was {value}."));
        }
    }

    public void Range(string setting, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            Add(string.Create(CultureInfo.InvariantCulture, $"{Key(setting)} must be between {min:c} and {max:c} (hh:mm:ss), was {value:c}."));
        }
    }

    /// <summary>An absolute http(s) address when set; the value is not repeated, as an address may carry a token.</summary>
    public void HttpAddress(string setting, string? value, string example, bool required = false)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                Add($"{Key(setting)} must be set to an absolute http(s) address (e.g. {example}).");
            }

            return;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            Add($"{Key(setting)} must be an absolute http(s) address (e.g. {example}).");
        }
    }

    /// <summary>One of a fixed set of words, compared ignoring case.</summary>
    public void OneOf(string setting, string? value, IReadOnlyCollection<string> allowed)
    {
        if (!allowed.Contains(value ?? "", StringComparer.OrdinalIgnoreCase))
        {
            Add($"{Key(setting)} must be {Choices(allowed)}, was '{value}'.");
        }
    }

    public ValidateOptionsResult Result => _problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_problems);

    private static string Choices(IReadOnlyCollection<string> allowed) =>
        allowed.Count == 1 ? allowed.First() : string.Join(", ", allowed.Take(allowed.Count - 1)) + " or " + allowed.Last();
}
