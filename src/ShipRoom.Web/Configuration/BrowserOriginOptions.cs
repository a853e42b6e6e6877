namespace ShipRoom.Web.Configuration;

/// <summary>
/// ShipRoom:Security:AllowedOrigins: other sites whose pages may open ShipRoom's live connections (/_blazor and
/// /hubs/rollouts) from a browser, e.g. a wall-screen portal. The site ShipRoom is served from is always allowed.
/// </summary>
public sealed class BrowserOriginOptions
{
    public const string SectionName = "ShipRoom:Security";

    public string[] AllowedOrigins { get; set; } = [];
}
