namespace ShipRoom.Web.Components.Controls;

/// <summary>
/// A small text button repeated on every row of a panel (a checklist item's N/A, a roster role's Edit), drawn as a plain
/// button in MudBlazor's look. A MudButton each was a component with its own render state per row in every open
/// dashboard; a plain element is part of the panel's own render.
/// </summary>
public static class RowAction
{
    public const string Class = "mud-button-root mud-button mud-button-text mud-button-text-default mud-button-text-size-small row-action";
}
