using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace ShipRoom.Core.Plans;

/// <summary>
/// Turns a plan's bytes into text without guessing: a plan is UTF-8, and bytes that are not are refused with their
/// line and column rather than silently replaced (a replacement character stored in a query or a name is a quiet
/// corruption nobody notices until the rollout reads the wrong series).
/// </summary>
public static class PlanText
{
    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    /// <summary>Decodes UTF-8 (a leading byte-order mark is allowed); on bytes that are not UTF-8, text is null and the problem says where.</summary>
    public static PlanProblem? Decode(ReadOnlySpan<byte> bytes, string file, out string? text)
    {
        text = null;
        if (bytes.StartsWith(Utf8Bom))
        {
            bytes = bytes[Utf8Bom.Length..];
        }

        if (bytes.Length >= 2 && ((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF)))
        {
            return new PlanProblem(file, 1, 1, "plan", "the file is UTF-16; save it as UTF-8");
        }

        var chars = ArrayPool<char>.Shared.Rent(Math.Max(1, bytes.Length));
        try
        {
            var status = Utf8.ToUtf16(bytes, chars, out var read, out var written, replaceInvalidSequences: false);
            if (status != OperationStatus.Done)
            {
                var (line, column) = Position(bytes[..read]);
                return new PlanProblem(file, line, column, "plan",
                    $"byte 0x{bytes[read]:X2} at offset {read} is not UTF-8; save the file as UTF-8 (nothing was read from it)");
            }

            text = new string(chars, 0, written);
            return null;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>
    /// Text that cannot have come from a UTF-8 file unharmed: a lone surrogate (not encodable at all) or U+FFFD, the
    /// mark a lossy decoder leaves where it met bytes it could not read.
    /// </summary>
    public static PlanProblem? FindDamage(string text, string file)
    {
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\n')
            {
                line++;
                lineStart = i + 1;
                continue;
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            if (char.IsSurrogate(c))
            {
                return new PlanProblem(file, line, i - lineStart + 1, "plan", $"a lone UTF-16 surrogate (U+{(int)c:X4}) is not text; the plan must be valid UTF-8");
            }

            if (c == '\uFFFD')
            {
                return new PlanProblem(file, line, i - lineStart + 1, "plan",
                    "U+FFFD (the replacement character) marks bytes that were not UTF-8 when the file was read; save the plan as UTF-8 and load it again");
            }
        }

        return null;
    }

    private static (int Line, int Column) Position(ReadOnlySpan<byte> before)
    {
        var line = before.Count((byte)'\n') + 1;
        var lastNewLine = before.LastIndexOf((byte)'\n');
        var lineBytes = before[(lastNewLine + 1)..];
        // Columns count characters, as the parser's do: the line up to the bad byte is valid UTF-8.
        return (line, Encoding.UTF8.GetCharCount(lineBytes) + 1);
    }
}
