using Microsoft.AspNetCore.Components;

namespace ShipRoom.Web.Components.Controls;

/// <summary>
/// What a checkbox or button inside rows written as markup (<see cref="ShipRoom.Web.Live.RowsHtml"/>) reports to the one
/// handler on their list: markup carries no handlers of its own. The browser fills it in
/// (wwwroot/ShipRoom.Web.lib.module.js): the <c>data-row</c> of the nearest row, the checkbox's state, and the
/// <c>data-row-action</c> of the button clicked. All of it comes from the browser: the panel finds the row in its own
/// snapshot and the command is authorised on the server as any other.
/// </summary>
public sealed class RowEventArgs : EventArgs
{
    public string? Row { get; set; }

    public bool Checked { get; set; }

    public string? Action { get; set; }
}

/// <summary>
/// <c>@onrowchange</c> (a checkbox in a row changed) and <c>@onrowaction</c> (a row's button marked <c>data-row-action</c>
/// was clicked; a click anywhere else in the list sends nothing). The Razor compiler finds these attributes only on a
/// class named <c>EventHandlers</c> (tried: under another name <c>@onrowchange</c> compiled as a plain attribute, with no
/// handler).
/// </summary>
[EventHandler("onrowchange", typeof(RowEventArgs), enableStopPropagation: true, enablePreventDefault: true)]
[EventHandler("onrowaction", typeof(RowEventArgs), enableStopPropagation: true, enablePreventDefault: true)]
public static class EventHandlers
{
}
