namespace ShipRoom.Web.Components.Rollout;

/// <summary>
/// Where the charts' Plotly comes from: plotly-basic (scatter, shapes, PNG export, a quarter of the full bundle), one of
/// the static files the Plotly.Blazor package ships. Its name changes with the package's version; PlotlyAssetsTests checks it.
/// </summary>
public static class PlotlyAssets
{
    public const string BasicBundle = "./_content/Plotly.Blazor/plotly-basic-3.7.0.min.js";
}
