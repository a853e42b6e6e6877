using MudBlazor;

namespace ShipRoom.Web.Components.Layout;

/// <summary>One theme, light and dark palettes; system fonts because the machine serving it may have no network.</summary>
public static class ShipRoomTheme
{
    public static MudTheme Theme { get; } = new()
    {
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"] },
        },
        PaletteLight = new PaletteLight { Primary = "#1f4e79", AppbarBackground = "#1f4e79" },
        PaletteDark = new PaletteDark { Primary = "#7fb3e6", AppbarBackground = "#1b1f27" },
    };
}
