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
        // Every colour keeps 4.5:1 contrast for text on the page and for text on a filled button (axe checks both):
        // MudBlazor's defaults (e.g. white on #ff9800 for Hold, on #f44336 for Roll back) do not.
        PaletteLight = new PaletteLight
        {
            Primary = "#1f4e79",
            AppbarBackground = "#1f4e79",
            Secondary = "#6a1b9a",
            Info = "#1864ab",
            Success = "#2b7a3b",
            Warning = "#9c4a00",
            Error = "#b02525",
            TextSecondary = "rgba(0,0,0,0.70)",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#7fb3e6",
            PrimaryContrastText = "#10151c",
            AppbarBackground = "#1b1f27",
            Secondary = "#d0a8f0",
            SecondaryContrastText = "#10151c",
            Info = "#a5d8ff",
            InfoContrastText = "#10151c",
            Success = "#8ce99a",
            SuccessContrastText = "#10151c",
            Warning = "#ffc078",
            WarningContrastText = "#10151c",
            Error = "#ffa8a8",
            ErrorContrastText = "#10151c",
            TextSecondary = "rgba(255,255,255,0.78)",
        },
    };
}
