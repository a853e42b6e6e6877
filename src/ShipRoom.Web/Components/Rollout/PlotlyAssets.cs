namespace ShipRoom.Web.Components.Rollout;

/// <summary>
/// The paths Plotly.Blazor loads its scripts from, as it writes them (it compares the bundle's path as text to know the
/// bundle is already on the page). They change with the Plotly.Blazor version; PlotlyAssetsTests checks them against the
/// package's assembly and its static files.
/// </summary>
public static class PlotlyAssets
{
    public const string Interop = "./_content/Plotly.Blazor/plotly-interop-7.2.0.js";

    /// <summary>plotly-basic: what <c>UseBasicVersion</c> charts load.</summary>
    public const string BasicBundle = "./_content/Plotly.Blazor/plotly-basic-3.7.0.min.js";
}
