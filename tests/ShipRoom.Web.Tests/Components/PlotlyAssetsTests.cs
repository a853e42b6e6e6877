using System.Text.Json;
using ShipRoom.Web.Components.Rollout;

namespace ShipRoom.Web.Tests.Components;

/// <summary>
/// The charts load Plotly's bundle by its path (js/metric-chart.js): a new Plotly.Blazor package with another bundle
/// name would leave every chart empty. The path must be one of the static files ShipRoom.Web serves from the package.
/// </summary>
public sealed class PlotlyAssetsTests
{
    [Fact]
    public void The_bundle_the_charts_load_is_a_static_file_shiproom_serves()
    {
        // The build's map of static web assets, the one the app serves from in Development (and tests).
        var manifest = Path.Combine(AppContext.BaseDirectory, "ShipRoom.Web.staticwebassets.runtime.json");
        using var json = JsonDocument.Parse(File.ReadAllText(manifest));
        var node = json.RootElement.GetProperty("Root");
        foreach (var segment in PlotlyAssets.BasicBundle.TrimStart('.', '/').Split('/'))
        {
            Assert.True(node.GetProperty("Children").TryGetProperty(segment, out node), $"{PlotlyAssets.BasicBundle} is not among ShipRoom.Web's static files (at '{segment}'): update PlotlyAssets");
        }

        Assert.Equal(JsonValueKind.Object, node.GetProperty("Asset").ValueKind);
    }
}
