using CsvHelper;
using ShipRoom.Core.Reports;

namespace ShipRoom.Core.Tests.Reports;

public sealed class CsvTextTests
{
    [Theory]
    [InlineData("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")")]
    [InlineData("  +1", "'  +1")]
    [InlineData("\t=cmd", "'\t=cmd")]
    [InlineData("\r@x", "'\r@x")]
    [InlineData("-2 minutes late", "'-2 minutes late")]
    [InlineData("fine, really", "fine, really")]
    [InlineData("a - b = c", "a - b = c")]
    public void A_text_cell_never_starts_a_formula(string value, string expected)
    {
        var rows = CsvText.ReadRows(CsvText.Table(["reason"], [value], v => [v]));

        Assert.Equal(["reason"], rows[0]);
        Assert.Equal(expected, Assert.Single(rows[1]));
    }

    [Fact]
    public void Numbers_times_and_missing_values_are_written_plain()
    {
        var at = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.FromHours(1));

        var csv = CsvText.Table(["delta", "nan", "at", "count", "none"], [0], _ => [-5.5, double.NaN, at, 42L, null]);

        Assert.Equal("delta,nan,at,count,none\n-5.5,,2026-11-25T11:00:00.0000000Z,42,\n", csv);
    }

    [Fact]
    public void Quoted_line_breaks_quotes_and_separators_survive_a_round_trip()
    {
        string[] cells = ["a,b", "line one\nline two", "say \"hi\"", "crlf\r\ninside", "", "plain"];

        var csv = CsvText.Table(["a", "b", "c", "d", "e", "f"], [cells], c => [.. c]);
        var rows = CsvText.ReadRows(csv + "next,row,,,,\n");

        Assert.Equal(3, rows.Count);
        Assert.Equal(cells, rows[1]);
        Assert.Equal(["next", "row", "", "", "", ""], rows[2]);
    }

    [Fact]
    public void A_file_cut_inside_a_quote_is_refused_naming_its_line()
    {
        var error = Assert.Throws<CsvFormatException>(() => CsvText.ReadRows("a,b\n1,2\n\"open,3\n4,5\n"));

        Assert.Equal(3, error.LineNumber);
    }
}
