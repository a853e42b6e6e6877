using System.Net;
using Microsoft.Extensions.Options;

namespace ShipRoom.Web.Configuration;

/// <summary>Every proxy address, network and allowed origin must parse; each problem names its key and a valid example.</summary>
public sealed class ProxyOptionsValidator : IValidateOptions<ProxyOptions>, IValidateOptions<BrowserOriginOptions>
{
    public ValidateOptionsResult Validate(string? name, ProxyOptions options)
    {
        var problems = new List<string>();
        foreach (var (value, index) in options.KnownProxies.Select((v, i) => (v, i)))
        {
            if (!IPAddress.TryParse(value, out _))
            {
                problems.Add($"{ProxyOptions.SectionName}:KnownProxies:{index} must be an IP address (e.g. 10.0.0.12), was '{value}'.");
            }
        }

        foreach (var (value, index) in options.KnownNetworks.Select((v, i) => (v, i)))
        {
            if (!IPNetwork.TryParse(value, out _))
            {
                problems.Add($"{ProxyOptions.SectionName}:KnownNetworks:{index} must be a network in CIDR form (e.g. 10.42.0.0/16), was '{value}'.");
            }
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    public ValidateOptionsResult Validate(string? name, BrowserOriginOptions options)
    {
        var problems = options.AllowedOrigins
            .Select((value, index) => (value, index))
            .Where(o => !Uri.TryCreate(o.value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.PathAndQuery != "/" || o.value.EndsWith('/'))
            .Select(o => $"{BrowserOriginOptions.SectionName}:AllowedOrigins:{o.index} must be an origin: scheme, host and port only (e.g. https://wall.example.com), was '{o.value}'.")
            .ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
