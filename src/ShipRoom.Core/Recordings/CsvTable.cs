using ShipRoom.Core.Reports;

namespace ShipRoom.Core.Recordings;

/// <summary>A problem in a CSV file, at the line a text editor shows.</summary>
public sealed record CsvProblem(int Line, string Message)
{
    public string ToString(string path) => $"{path}:{Line}: error: {Message}";
}

/// <summary>One data row of a <see cref="CsvTable"/>: its fields by column name, and the line it starts on.</summary>
public sealed class CsvRow(int line, IReadOnlyDictionary<string, int> columns, string[] fields)
{
    public int Line => line;

    /// <summary>
    /// The field of <paramref name="column"/>, trimmed; empty when the column is absent or the row is short. A field
    /// <see cref="CsvText.Table"/> neutralised for spreadsheets (a ' before a leading = + - @, tab or carriage return)
    /// reads as it was written.
    /// </summary>
    public string this[string column] => columns.TryGetValue(column, out var index) && index < fields.Length ? Unneutralised(fields[index]).Trim() : "";

    public int FieldCount => fields.Length;

    private static string Unneutralised(string field)
    {
        if (field.Length < 2 || field[0] != '\'')
        {
            return field;
        }

        var rest = field[1..];
        var first = rest.TrimStart(' ');
        return (first.Length > 0 && first[0] is '=' or '+' or '-' or '@') || rest[0] is '\t' or '\r' ? rest : field;
    }
}

/// <summary>
/// A CSV file whose first line names its columns, read with <see cref="CsvText.ReadRows"/> (RFC 4180 quoting), so
/// columns may come in any order and optional ones may be left out. Blank lines are skipped.
/// </summary>
public sealed class CsvTable
{
    private CsvTable(IReadOnlyList<string> header, IReadOnlyList<CsvRow> rows)
    {
        Header = header;
        Rows = rows;
    }

    public IReadOnlyList<string> Header { get; }

    public IReadOnlyList<CsvRow> Rows { get; }

    /// <summary>Reads <paramref name="text"/>; a missing required column is a problem on line 1.</summary>
    public static (CsvTable? Table, CsvProblem? Problem) Parse(string text, IReadOnlyList<string> required, IReadOnlyList<string> optional)
    {
        var raw = CsvText.ReadRows(text);
        if (raw.Count == 0)
        {
            return (null, new CsvProblem(1, $"the file is empty; the first line must name the columns: {string.Join(",", required.Concat(optional))}"));
        }

        var header = raw[0].Select(h => h.Trim().ToLowerInvariant()).ToList();
        var missing = required.Where(c => !header.Contains(c, StringComparer.Ordinal)).ToList();
        if (missing.Count > 0)
        {
            return (null, new CsvProblem(1, $"the header has no {string.Join(", ", missing)} column (expected {string.Join(",", required)}" +
                                            (optional.Count == 0 ? "" : $", optionally {string.Join(",", optional)}") + $"; found '{string.Join(",", raw[0])}')"));
        }

        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Count; i++)
        {
            columns.TryAdd(header[i], i);
        }

        var rows = new List<CsvRow>();
        var line = 1 + LinesIn(raw[0]);
        foreach (var fields in raw.Skip(1))
        {
            if (!(fields.Length == 1 && fields[0].Trim().Length == 0))
            {
                rows.Add(new CsvRow(line, columns, fields));
            }

            line += LinesIn(fields);
        }

        return (new CsvTable(header, rows), null);
    }

    // A quoted field may hold line breaks: the next row starts that many lines further down.
    private static int LinesIn(string[] fields) => 1 + fields.Sum(f => f.Count(c => c == '\n'));
}
