using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using ShipRoom.Web.Configuration;

namespace ShipRoom.Web.Security;

/// <summary>
/// Behind an ingress the connection comes from the proxy: only X-Forwarded-For and X-Forwarded-Proto sent by a
/// configured proxy are applied, so cookies are Secure when the browser used https, the https redirect does not loop,
/// and the rate limits count each client rather than the ingress.
/// </summary>
public static class ProxySetup
{
    public static IServiceCollection AddShipRoomProxySupport(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ProxyOptions>().Bind(configuration.GetSection(ProxyOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ProxyOptions>, ProxyOptionsValidator>();
        services.AddOptions<BrowserOriginOptions>().Bind(configuration.GetSection(BrowserOriginOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<BrowserOriginOptions>, ProxyOptionsValidator>();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ProxyOptions>>((forwarded, proxy) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Walk back through the chain of trusted proxies; the first address that is not one is the client.
            forwarded.ForwardLimit = null;
            var configured = proxy.Value;
            if (configured.KnownProxies.Length == 0 && configured.KnownNetworks.Length == 0)
            {
                return; // ASP.NET's default: only a proxy on this host (loopback) is believed.
            }

            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var address in configured.KnownProxies)
            {
                if (IPAddress.TryParse(address, out var parsed))
                {
                    forwarded.KnownProxies.Add(parsed);
                }
            }

            foreach (var network in configured.KnownNetworks)
            {
                if (System.Net.IPNetwork.TryParse(network, out var parsed))
                {
                    forwarded.KnownIPNetworks.Add(parsed);
                }
            }
        });
        return services;
    }
}
