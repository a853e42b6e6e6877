using System.Text.RegularExpressions;

namespace ShipRoom.Infrastructure.Logging;

/// <summary>
/// The safety net under every log line: masks personal data and secrets in free text (exception messages, reasons,
/// problems a source reported). Values the code knows are personal are classified and redacted before they get
/// here (<see cref="PersonalDataAttribute"/>). Masked: e-mail addresses; phone numbers (international, with an area
/// code in brackets, 3-3-4 North American, or a local number with its leading 0); card numbers (13–19 digits that pass
/// the Luhn check); bearer and basic credentials; ShipRoom API tokens and JWTs; the values of secret-looking
/// key=value pairs. Left alone: dates, times, version numbers, addresses of machines and plain figures.
/// </summary>
public static partial class PiiScrubber
{
    public const string EmailMask = "[email]";
    public const string PhoneMask = "[phone]";
    public const string CardMask = "[card]";
    public const string SecretMask = "[secret]";
    public const string TokenMask = "[token]";

    public static string Scrub(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? "";
        }

        var scrubbed = SecretPair().Replace(text, m => $"{m.Groups["key"].Value}{m.Groups["sep"].Value}{SecretMask}");
        scrubbed = Credential().Replace(scrubbed, m => $"{m.Groups["scheme"].Value} {SecretMask}");
        scrubbed = Token().Replace(scrubbed, TokenMask);
        scrubbed = Email().Replace(scrubbed, EmailMask);
        scrubbed = CardLike().Replace(scrubbed, m => PassesLuhn(m.Value) ? CardMask : m.Value);
        scrubbed = Phone().Replace(scrubbed, m => CountDigits(m.Value) is >= 7 and <= 15 ? PhoneMask : m.Value);
        return scrubbed;
    }

    private static int CountDigits(string value) => value.Count(char.IsAsciiDigit);

    private static bool PassesLuhn(string candidate)
    {
        var digits = candidate.Where(char.IsAsciiDigit).Select(c => c - '0').ToArray();
        if (digits.Length is < 13 or > 19)
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var digit = digits[digits.Length - 1 - i];
            if (i % 2 == 1)
            {
                digit *= 2;
                if (digit > 9)
                {
                    digit -= 9;
                }
            }

            sum += digit;
        }

        return sum % 10 == 0;
    }

    [GeneratedRegex(@"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}", RegexOptions.CultureInvariant)]
    private static partial Regex Email();

    // 13–19 digits, optionally grouped by single spaces or dashes.
    [GeneratedRegex(@"(?<!\d)\d(?:[ \-]?\d){12,18}(?!\d)", RegexOptions.CultureInvariant)]
    private static partial Regex CardLike();

    // Only shapes that are phone numbers, never a date (2026-11-25), a time (12:00), a version (1.20.1) or a grouped
    // figure (1200 3400 5600): +CC then groups; (area) then groups; 3-3-4 with separators; 0 trunk prefix then groups.
    [GeneratedRegex(@"(?<![\w.+\-])(?:\+\d{1,3}(?:[ .\-]?\(?\d{1,4}\)?){2,6}|\(\d{2,5}\)[ .\-]?\d{3,4}[ .\-]?\d{3,4}|\d{3}[ .\-]\d{3}[ .\-]\d{4}|0\d{1,4}(?:[ \-]\d{2,4}){2,4})(?![\w.\-])", RegexOptions.CultureInvariant)]
    private static partial Regex Phone();

    // The value may be a scheme and its credential ("Authorization: Bearer abc"): both go.
    [GeneratedRegex(@"(?<key>\b(?:password|passwd|pwd|secret|client_secret|(?:access_|refresh_|id_)?token|api[_-]?key|authorization|sig)\b)(?<sep>\s*[=:]\s*)(?:(?:Bearer|Basic)\s+)?[^\s;,&""']+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretPair();

    [GeneratedRegex(@"\b(?<scheme>Bearer|Basic)\s+[A-Za-z0-9\-._~+/]{8,}=*", RegexOptions.CultureInvariant)]
    private static partial Regex Credential();

    // ShipRoom's API tokens (srt_<prefix>_<secret>) and JSON Web Tokens.
    [GeneratedRegex(@"\bsrt_[A-Za-z0-9]+_[A-Za-z0-9\-_]+|\beyJ[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]*", RegexOptions.CultureInvariant)]
    private static partial Regex Token();
}
