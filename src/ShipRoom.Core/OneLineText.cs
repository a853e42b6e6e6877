using System.Text.RegularExpressions;

namespace ShipRoom.Core;

/// <summary>
/// Text a person or another system gives that ShipRoom shows on one line (the board, every page's banner, posts):
/// control characters and line breaks become a space, so nobody can break a line or a layout with it.
/// </summary>
public static partial class OneLineText
{
    public static string Of(string? text) => text is null ? "" : ControlCharacters().Replace(text, " ").Trim();

    [GeneratedRegex(@"[\p{Cc}\p{Zl}\p{Zp}]+", RegexOptions.CultureInvariant)]
    private static partial Regex ControlCharacters();
}
