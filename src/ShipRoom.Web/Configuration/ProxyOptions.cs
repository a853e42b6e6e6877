namespace ShipRoom.Web.Configuration;

/// <summary>
/// ShipRoom:Proxy: the reverse proxies (an ingress, nginx) whose X-Forwarded-For and X-Forwarded-Proto are believed.
/// Headers from any other address are ignored, so a client cannot claim another address or https.
/// </summary>
public sealed class ProxyOptions
{
    public const string SectionName = "ShipRoom:Proxy";

    /// <summary>Addresses of the proxies, e.g. 10.0.0.12. Empty with KnownNetworks empty: only loopback is trusted.</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Networks the proxies live in, in CIDR form, e.g. 10.42.0.0/16 for an ingress controller's pods.</summary>
    public string[] KnownNetworks { get; set; } = [];
}
