using System.Text;
using Plotly.Blazor;
using ShipRoom.Web.Components.Rollout;

namespace ShipRoom.Web.Tests.Components;

/// <summary>
/// The dashboard loads Plotly early under the paths Plotly.Blazor itself uses (js/plotly-early.js): if a new Plotly.Blazor
/// moved them, the early load would fetch a file that is not there, or load the bundle twice. Its assembly must still name both.
/// </summary>
public sealed class PlotlyAssetsTests
{
    [Theory]
    [InlineData(PlotlyAssets.Interop)]
    [InlineData(PlotlyAssets.BasicBundle)]
    public void Plotly_blazor_loads_the_path_the_dashboard_loads_early(string path)
    {
        var assembly = File.ReadAllBytes(typeof(PlotlyChart).Assembly.Location);

        // .NET keeps string literals as UTF-16 in the assembly's user-string heap.
        Assert.True(assembly.AsSpan().IndexOf(Encoding.Unicode.GetBytes(path)) >= 0, $"{typeof(PlotlyChart).Assembly.GetName()} does not name {path}: update PlotlyAssets");
    }
}
