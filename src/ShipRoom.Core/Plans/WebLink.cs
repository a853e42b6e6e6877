namespace ShipRoom.Core.Plans;

/// <summary>
/// The one test for an address a plan shows as a link or calls: http or https with a host, nothing else. A
/// "javascript:" or "data:" runbook link would run in the ship room's origin for whoever clicks it.
/// </summary>
public static class WebLink
{
    public static bool IsHttp(string? text) =>
        Uri.TryCreate(text?.Trim(), UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && uri.Host.Length > 0;
}
