using System.Text.RegularExpressions;

namespace ShipRoom.Infrastructure.Logging;

/// <summary>
/// Masks personal data in text ShipRoom writes to its logs: e-mail addresses, phone numbers and card-like numbers
/// (13–19 digits that pass the Luhn check), and the values of secret-looking key=value pairs.
/// </summary>
public static partial class PiiScrubber
{
    public const string EmailMask = "[email]";
    public const string PhoneMask = "[phone]";
    public const string CardMask = "[card]";
    public const string SecretMask = "[secret]";

    public static string Scrub(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? "";
        }

        var scrubbed = SecretPair().Replace(text, m => $"{m.Groups["key"].Value}{m.Groups["sep"].Value}{SecretMask}");
        scrubbed = Email().Replace(scrubbed, EmailMask);
        scrubbed = CardLike().Replace(scrubbed, m => PassesLuhn(m.Value) ? CardMask : m.Value);
        scrubbed = Phone().Replace(scrubbed, m => CountDigits(m.Value) >= 7 ? PhoneMask : m.Value);
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

    // International (+CC ...) or grouped local numbers; at least 7 digits in all (checked in code).
    [GeneratedRegex(@"(?<![\w.])(?:\+\d{1,3}[ \-.]?)?(?:\(\d{1,4}\)[ \-.]?)?\d{2,4}(?:[ \-.]\d{2,4}){1,4}(?![\w.])", RegexOptions.CultureInvariant)]
    private static partial Regex Phone();

    [GeneratedRegex(@"(?<key>\b(?:password|pwd|secret|token|api[_-]?key|authorization)\b)(?<sep>\s*[=:]\s*)[^\s;,""']+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretPair();
}
