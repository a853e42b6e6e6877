using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Components;

namespace ShipRoom.Web.Live;

/// <summary>
/// Rows of a dashboard table or list written as one markup string: the gate board, the metric tables and the trigger
/// board (whose values are then live cells, <see cref="LiveCells"/>), and the checklists and roster (whose checkboxes and
/// buttons report through <see cref="ShipRoom.Web.Components.Controls.RowEventArgs"/>). Blazor keeps two frame buffers
/// per component and about a dozen frames per cell (element, attributes, text, the whitespace between them); rows that
/// render only when their shape or content changes need none of them: one markup frame holds them all, and the browser
/// parses them in one go (docs/benchmarks.md, memory per open dashboard). Every name is a literal of the calling
/// component; every value and text is HTML-encoded here.
/// </summary>
public sealed class RowsHtml
{
    // Characters outside ASCII (↳, —, ✓, Δ) are written as they are, not as numeric references: the markup stays short.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    private readonly StringBuilder _html = new(1024);

    /// <summary>
    /// <c>&lt;tag name="value" …&gt;</c>. An attribute whose value is null is left out, as Blazor leaves it out; an empty
    /// value is written as a bare name (<c>data-live</c>).
    /// </summary>
    public RowsHtml Open(string tag, params ReadOnlySpan<(string Name, string? Value)> attributes)
    {
        _html.Append('<').Append(tag);
        foreach (var (name, value) in attributes)
        {
            if (value is null)
            {
                continue;
            }

            _html.Append(' ').Append(name);
            if (value.Length > 0)
            {
                _html.Append("=\"").Append(Encoder.Encode(value)).Append('"');
            }
        }

        _html.Append('>');
        return this;
    }

    /// <summary><c>&lt;/tag&gt;</c>.</summary>
    public RowsHtml Close(string tag)
    {
        _html.Append("</").Append(tag).Append('>');
        return this;
    }

    /// <summary>Text, encoded.</summary>
    public RowsHtml Text(string? text)
    {
        if (!string.IsNullOrEmpty(text))
        {
            _html.Append(Encoder.Encode(text));
        }

        return this;
    }

    /// <summary><c>&lt;tag …&gt;text&lt;/tag&gt;</c>.</summary>
    public RowsHtml Element(string tag, string? text, params ReadOnlySpan<(string Name, string? Value)> attributes) =>
        Open(tag, attributes).Text(text).Close(tag);

    /// <summary>
    /// A live attribute's value as <see cref="Open"/> takes it: an empty one is left out, as live-cells.js removes an
    /// attribute set to empty.
    /// </summary>
    public static string? Optional(string value) => value.Length == 0 ? null : value;

    /// <summary>The rows as markup, the instance other dashboards already hold when they show the same (<see cref="SharedMarkup"/>).</summary>
    public MarkupString ToMarkup() => new(SharedMarkup.Of(_html.ToString()));

    public override string ToString() => _html.ToString();
}
