using System.Runtime.CompilerServices;
using ShipRoom.Web.Live;

namespace ShipRoom.Web.Tests.Live;

/// <summary>
/// Dashboards that show the same rows keep one copy of their markup: the instance handed out is the one already held,
/// and contents no dashboard holds any more leave the table.
/// </summary>
public sealed class SharedMarkupTests
{
    private static string Rows(string label)
    {
        var html = new RowsHtml();
        for (var row = 0; row < 20; row++)
        {
            html.Open("tr", ("data-row", $"{label}-{row}")).Element("td", $"P95 latency <= 130 ms, {label} row {row}").Close("tr");
        }

        return html.ToMarkup().Value;
    }

    [Fact]
    public void Two_dashboards_writing_the_same_rows_hold_one_instance()
    {
        var label = Guid.NewGuid().ToString("N");
        var first = Rows(label);
        var second = Rows(label);

        Assert.Equal(first, second);
        Assert.Same(first, second);
        Assert.NotSame(first, Rows(label + "x"));
    }

    [Fact]
    public void Short_markup_is_handed_back_as_it_is()
    {
        var text = new string('a', SharedMarkup.MinimumLength - 1);
        var copy = new string('a', SharedMarkup.MinimumLength - 1);

        Assert.Same(text, SharedMarkup.Of(text));
        Assert.Same(copy, SharedMarkup.Of(copy));
    }

    [Fact]
    public void Contents_nobody_holds_leave_the_table()
    {
        var before = SharedMarkup.Entries;
        AddUnheld(2048);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        // Adding goes on sweeping: what was collected is dropped, what is held stays.
        var held = Enumerable.Range(0, 512).Select(i => SharedMarkup.Of(Unique(i))).ToList();

        Assert.True(SharedMarkup.Entries < before + 1500, $"{SharedMarkup.Entries} entries after 2,048 unheld and 512 held contents were added to {before}");
        Assert.All(held, markup => Assert.Same(markup, SharedMarkup.Of(new string(markup.AsSpan()))));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddUnheld(int count)
    {
        for (var i = 0; i < count; i++)
        {
            SharedMarkup.Of(Unique(i));
        }
    }

    private static string Unique(int i) => $"<tr data-row=\"{Guid.NewGuid():N}-{i}\">" + new string('x', SharedMarkup.MinimumLength) + "</tr>";
}
